"""The rituals pages: the list with its add form, a ritual's page, editing, pausing
(htmx and plain), deleting, and a meeting's page where notes and decisions are taken.
Viewers read, editors write, other workspaces' ids are 404, user text is escaped."""

from datetime import date, time

import pytest
import time_machine
from django.urls import reverse

from raci.models import Decision
from rituals import services
from rituals.models import Occurrence, Ritual
from tests.factories import MatrixFactory, MembershipFactory
from tests.queries import assert_same_queries
from workspaces.models import Role

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel("2026-11-23 09:00Z", tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(team):
    ws, _, people = team
    ritual = services.ritual_create(
        workspace=ws, name="Pricing sync", cadence="weekly", starts_on=date(2026, 11, 25), agenda="Status, 5\nAsks"
    )
    return ws, ritual, people


def _meeting(ritual, name="occurrence", day="2026-11-25"):
    return reverse(f"rituals:{name}", args=[ritual.workspace.slug, ritual.pk, day])


def _post_ritual(**overrides):
    return {
        "name": "Messaging review",
        "cadence": "monthly",
        "starts_on": "2026-12-31",
        "repeat_on": "weekday",
        "time_of_day": "",
        "agenda": "Status, 5\nMessaging, 20",
    } | overrides


def test_the_list_shows_each_ritual_with_its_next_meeting(client, world):
    ws, ritual, people = world
    client.force_login(people["viewer"].user)
    body = client.get(reverse("rituals:rituals", args=[ws.slug])).content.decode()
    assert "Pricing sync" in body and _meeting(ritual) in body and "Wed 25 Nov" in body
    assert "Add a ritual" not in body and "Pause" not in body
    assert f'href="/w/{ws.slug}/rituals/"' in body  # the workspace nav


def test_an_editor_adds_a_ritual_and_a_bad_one_is_422(client, world):
    ws, _, people = world
    client.force_login(people["editor"].user)
    url = reverse("rituals:rituals", args=[ws.slug])
    pm = Role.objects.get(workspace=ws, code="PM")
    response = client.post(url, _post_ritual(owner_role=pm.pk, attendee_roles=[pm.pk], time_of_day="09:30"))
    added = Ritual.objects.get(workspace=ws, name="Messaging review")
    assert response.status_code == 302 and response["Location"] == reverse("rituals:ritual", args=[ws.slug, added.pk])
    assert added.owner_role == pm and added.time_of_day.hour == 9 and added.by_weekday
    assert added.next_date(date(2027, 1, 1)) == date(2027, 1, 28)  # the last Thursday
    refused = client.post(url, _post_ritual(name="Past", starts_on="2026-11-01"))
    assert refused.status_code == 422 and "today or later" in refused.content.decode()
    assert client.post(url, _post_ritual(agenda="")).status_code == 422
    assert not Ritual.objects.filter(name="Past").exists()


def test_editing_a_ritual(client, world):
    ws, ritual, people = world
    client.force_login(people["editor"].user)
    url = reverse("rituals:ritual_edit", args=[ws.slug, ritual.pk])
    page = client.get(url).content.decode()
    assert "Status, 5 min" in page and 'value="2026-11-25"' in page
    response = client.post(
        url, _post_ritual(name="Pricing council", cadence="biweekly", starts_on="2026-11-26", repeat_on="date")
    )
    assert response.status_code == 302
    ritual.refresh_from_db()
    assert (ritual.name, ritual.cadence, ritual.starts_on) == ("Pricing council", "biweekly", date(2026, 11, 26))
    assert client.post(url, _post_ritual(cadence="yearly")).status_code == 422


def test_pausing_by_htmx_returns_the_row_and_plainly_redirects(client, world):
    ws, ritual, people = world
    client.force_login(people["editor"].user)
    url = reverse("rituals:ritual_pause", args=[ws.slug, ritual.pk])
    response = client.post(url, {"paused": "1"}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and f'id="ritual-{ritual.pk}"' in body
    assert "Resume" in body and "No meeting planned" in body and "HX-Request" in response["Vary"]
    assert Ritual.objects.get(pk=ritual.pk).paused
    response = client.post(url, {"paused": "0"})
    assert response.status_code == 302 and not Ritual.objects.get(pk=ritual.pk).paused


def test_deleting_a_ritual_redirects_to_the_list(client, world):
    ws, ritual, people = world
    client.force_login(people["editor"].user)
    response = client.post(reverse("rituals:ritual_delete", args=[ws.slug, ritual.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("rituals:rituals", args=[ws.slug])
    assert not Ritual.objects.filter(pk=ritual.pk).exists()


def test_the_ritual_page_lists_coming_and_past_meetings(client, world, clock):
    ws, ritual, people = world
    services.occurrence_notes_save(ritual=ritual, day=date(2026, 11, 25), texts=["Done", ""])
    clock.move_to("2026-12-03 09:00Z")
    client.force_login(people["viewer"].user)
    body = client.get(reverse("rituals:ritual", args=[ws.slug, ritual.pk])).content.decode()
    assert "Wednesday 9 December 2026" in body and "Wednesday 25 November 2026" in body
    assert "Edit the ritual" not in body and "Delete" not in body


def test_a_meeting_page_exists_only_on_the_rituals_dates(client, world):
    ws, ritual, people = world
    client.force_login(people["viewer"].user)
    page = client.get(_meeting(ritual))
    assert (
        page.status_code == 200 and "Status" in page.content.decode() and "Save the notes" not in page.content.decode()
    )
    assert client.get(_meeting(ritual, day="2026-11-26")).status_code == 404
    assert client.get(_meeting(ritual, day="2026-02-30")).status_code == 404


def test_notes_by_htmx_return_the_notes_fragment(client, world):
    ws, ritual, people = world
    client.force_login(people["editor"].user)
    response = client.post(
        _meeting(ritual, "occurrence_notes"), {"note_0": "<b>green</b>", "note_1": "Budget"}, headers=HX
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and 'id="notes"' in body and "Notes saved" in body
    assert "&lt;b&gt;green&lt;/b&gt;" in body and "<b>green</b>" not in body
    assert Occurrence.objects.get(ritual=ritual, date=date(2026, 11, 25)).notes[0]["text"] == "<b>green</b>"


def test_notes_by_plain_post_redirect_to_the_meeting(client, world):
    ws, ritual, people = world
    client.force_login(people["editor"].user)
    response = client.post(_meeting(ritual, "occurrence_notes"), {"note_0": "Fine", "note_1": ""})
    assert response.status_code == 302 and response["Location"] == _meeting(ritual)
    client.force_login(people["viewer"].user)
    assert "Fine" in client.get(_meeting(ritual)).content.decode()


def test_a_decision_from_the_meeting_goes_to_the_decision_log(client, world):
    ws, ritual, people = world
    matrix = MatrixFactory(workspace=ws)
    client.force_login(people["editor"].user)
    url = _meeting(ritual, "occurrence_decision")
    page = client.get(_meeting(ritual)).content.decode()
    assert f'<option value="{matrix.pk}" selected>' in page
    response = client.post(url, {"what": "Seats, not usage", "matrix": matrix.pk}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="decisions"' in body and "<html" not in body
    assert "Seats, not usage" in body and reverse("raci:decisions", args=[ws.slug, matrix.slug]) in body
    assert Decision.objects.get(matrix=matrix).what == "Seats, not usage"
    refused = client.post(url, {"what": "", "matrix": matrix.pk}, headers=HX)
    assert refused.status_code == 422 and 'id="decisions"' in refused.content.decode()
    plain = client.post(url, {"what": "Annual plans too", "matrix": matrix.pk})
    assert plain.status_code == 302 and Decision.objects.filter(matrix=matrix).count() == 2
    assert client.post(url, {"what": "x", "matrix": MatrixFactory().pk}).status_code == 422


def test_without_a_matrix_the_meeting_says_to_create_one(client, world):
    ws, ritual, people = world
    client.force_login(people["editor"].user)
    assert "create a matrix" in client.get(_meeting(ritual)).content.decode()


def test_ids_of_another_workspace_are_404(client, world):
    ws, ritual, people = world
    mine = MembershipFactory(access="admin")
    client.force_login(mine.user)
    for name in ("ritual", "ritual_edit", "ritual_pause", "ritual_delete"):
        url = reverse(f"rituals:{name}", args=[mine.workspace.slug, ritual.pk])
        method = client.get if name in ("ritual", "ritual_edit") else client.post
        assert method(url).status_code == 404, name
    for name in ("occurrence", "occurrence_notes", "occurrence_decision"):
        url = reverse(f"rituals:{name}", args=[mine.workspace.slug, ritual.pk, "2026-11-25"])
        assert (client.get if name == "occurrence" else client.post)(url).status_code == 404, name
    assert Ritual.objects.filter(pk=ritual.pk, paused=False).exists()


def test_user_text_is_escaped_on_every_rituals_page(client, world):
    ws, ritual, people = world
    services.ritual_update(
        ritual=ritual,
        name="<script>x</script>",
        cadence="weekly",
        starts_on=date(2026, 11, 25),
        agenda="<i>Status</i>",
        description="<img src=x>",
    )
    client.force_login(people["editor"].user)
    for url in (
        reverse("rituals:rituals", args=[ws.slug]),
        reverse("rituals:ritual", args=[ws.slug, ritual.pk]),
        _meeting(ritual),
        reverse("rituals:ritual_edit", args=[ws.slug, ritual.pk]),
    ):
        body = client.get(url).content.decode()
        assert "<script>x" not in body and "<img src=x>" not in body and "<i>Status" not in body, url


def test_the_rituals_list_and_a_meeting_page_read_in_a_fixed_number_of_queries(client, world):
    ws, ritual, people = world
    pm = Role.objects.get(workspace=ws, code="PM")
    matrix = MatrixFactory(workspace=ws)
    made = []

    def build(size):
        for n in range(len(made), size):
            made.append(
                services.ritual_create(
                    workspace=ws,
                    name=f"Sync {n}",
                    cadence="biweekly",
                    starts_on=date(2026, 11, 24 + n % 5),
                    owner_role_id=pm.pk,
                    attendee_role_ids=[pm.pk],
                    attendee_member_ids=[people["PM"].pk, people["PMM"].pk],
                )
            )
            services.occurrence_decide(
                ritual=ritual, day=date(2026, 11, 25), matrix_id=matrix.pk, what=f"Decision {n}", actor=None
            )

    def listed(response, _):
        assert response.status_code == 200

    def decided(response, size):
        assert response.content.decode().count("Decision ") >= size

    client.force_login(people["editor"].user)
    # Each with the workspace switcher of the top bar.
    assert_same_queries(
        build, lambda _: client.get(reverse("rituals:rituals", args=[ws.slug])), sizes=(1, 12), at_most=13, check=listed
    )
    assert_same_queries(build, lambda _: client.get(_meeting(ritual)), sizes=(12, 20), at_most=15, check=decided)


def test_ritual_times_are_shown_in_the_workspaces_zone(client, world):
    ws, ritual, people = world
    ws.time_zone = "Europe/Paris"
    ws.save(update_fields=["time_zone"])
    ritual = services.ritual_update(
        ritual=ritual,
        name="Pricing sync",
        cadence="weekly",
        starts_on=date(2026, 11, 25),
        time_of_day=time(10, 0),
        agenda="Status, 5\nAsks",
    )
    client.force_login(people["editor"].user)
    for url in (
        reverse("rituals:rituals", args=[ws.slug]),
        reverse("rituals:ritual", args=[ws.slug, ritual.pk]),
        _meeting(ritual),
        reverse("dashboard:workspace", args=[ws.slug]),
    ):
        assert "10:00 Europe/Paris" in client.get(url).content.decode(), url
    assert "In Europe/Paris" in client.get(reverse("rituals:ritual_edit", args=[ws.slug, ritual.pk])).content.decode()


def test_meetings_written_in_stay_listed_and_open_after_the_ritual_moves(client, world, clock):
    ws, ritual, people = world
    services.occurrence_notes_save(ritual=ritual, day=date(2026, 11, 25), texts=["Wednesday notes", ""])
    clock.move_to("2026-12-03 09:00Z")
    services.occurrence_notes_save(ritual=ritual, day=date(2026, 12, 9), texts=["Written ahead", ""])
    services.ritual_update(
        ritual=ritual, name="Pricing sync", cadence="weekly", starts_on=date(2026, 12, 4), agenda="Status, 5\nAsks"
    )  # Fridays from now on
    client.force_login(people["editor"].user)
    body = client.get(reverse("rituals:ritual", args=[ws.slug, ritual.pk])).content.decode()
    for day in ("2026-11-25", "2026-12-09", "2026-12-04"):
        assert _meeting(ritual, day=day) in body, day
    assert "Wednesday notes" in client.get(_meeting(ritual, day="2026-11-25")).content.decode()
    response = client.post(
        _meeting(ritual, "occurrence_notes", day="2026-12-09"), {"note_0": "Still mine", "note_1": ""}
    )
    assert (
        response.status_code == 302 and "Still mine" in client.get(_meeting(ritual, day="2026-12-09")).content.decode()
    )
    assert client.get(_meeting(ritual, day="2026-12-02")).status_code == 404  # an old date nobody wrote in


def test_a_bad_agenda_is_refused_at_the_agenda_field(client, world):
    ws, _, people = world
    client.force_login(people["editor"].user)
    url = reverse("rituals:rituals", args=[ws.slug])
    for agenda, message in (("Negative, -5 min", "cannot last -5 minutes"), ("Huge, 99999 min", "between 1 and 240")):
        response = client.post(url, _post_ritual(agenda=agenda))
        body = response.content.decode()
        assert response.status_code == 422 and message in body
        assert body.index(message) > body.index('name="agenda"') - 600 and 'aria-invalid="true"' in body
    assert not Ritual.objects.filter(name="Messaging review").exists()


def test_deleting_asks_first_and_says_what_goes(client, world):
    ws, ritual, people = world
    matrix = MatrixFactory(workspace=ws)
    services.occurrence_notes_save(ritual=ritual, day=date(2026, 11, 25), texts=["Kept", ""])
    services.occurrence_decide(ritual=ritual, day=date(2026, 11, 25), matrix_id=matrix.pk, what="Ship", actor=None)
    client.force_login(people["editor"].user)
    url = reverse("rituals:ritual_delete", args=[ws.slug, ritual.pk])
    page = client.get(reverse("rituals:ritual", args=[ws.slug, ritual.pk])).content.decode()
    assert f'href="{url}"' in page and f'action="{url}"' not in page
    confirm = client.get(url)
    body = confirm.content.decode()
    assert confirm.status_code == 200 and f'action="{url}"' in body and 'method="post"' in body
    assert "1 meeting</strong>" in body and "The 1 decision taken at its meetings stays in the decision log" in body
    assert Ritual.objects.filter(pk=ritual.pk).exists()
    client.force_login(people["viewer"].user)
    assert client.get(url).status_code == 403
    client.force_login(people["editor"].user)
    assert client.post(url).status_code == 302 and not Ritual.objects.filter(pk=ritual.pk).exists()
    assert client.get(url).status_code == 404


def test_the_ritual_page_names_its_decision_log(client, world):
    ws, ritual, people = world
    client.force_login(people["viewer"].user)
    url = reverse("rituals:ritual", args=[ws.slug, ritual.pk])
    assert "None yet" in client.get(url).content.decode()
    matrix = MatrixFactory(workspace=ws, name="Pricing <RACI>")
    body = client.get(url).content.decode()
    assert "Pricing &lt;RACI&gt;" in body and "the workspace's first matrix" in body
    assert reverse("raci:decisions", args=[ws.slug, matrix.slug]) in body and "The first matrix" not in body


def test_the_meeting_page_shows_why_each_decision_was_taken(client, world):
    ws, ritual, people = world
    matrix = MatrixFactory(workspace=ws)
    services.occurrence_decide(
        ritual=ritual,
        day=date(2026, 11, 25),
        matrix_id=matrix.pk,
        what="Seats",
        why="<b>Usage</b> is noisy\nand late",
        actor=None,
    )
    client.force_login(people["viewer"].user)
    body = client.get(_meeting(ritual)).content.decode()
    assert "&lt;b&gt;Usage&lt;/b&gt; is noisy<br>and late" in body and "<b>Usage" not in body
