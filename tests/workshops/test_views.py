import re

import pytest
from django.urls import reverse

from raci import services as raci_services
from raci.models import Cell, Column, Decision
from tests.factories import MembershipFactory, build_matrix
from workshops import services
from workshops.models import Proposal, Workshop
from workspaces.models import Access


@pytest.fixture
def room(team):
    ws, _, people = team
    matrix = services.matrix_from_concerns(workspace=ws, name="Shared concerns", actor=people["admin"].user)
    pm = Column.objects.get(matrix=matrix, role__code="PM").role_id
    pmm = Column.objects.get(matrix=matrix, role__code="PMM").role_id
    pricing = matrix.activities.get(name="Pricing").pk
    workshop = services.workshop_open(
        matrix=matrix,
        facilitator=people["PM"],
        title="R&R workshop",
        participant_ids=[people["PMM"].pk, people["viewer"].pk],
    )
    return {"matrix": matrix, "ws": ws, "people": people, "pm": pm, "pmm": pmm, "pricing": pricing, "w": workshop}


def _url(room, name="workshop", *args):
    return reverse(f"workshops:{name}", args=[room["ws"].slug, room["matrix"].slug, room["w"].pk, *args])


def _as(client, room, who):
    client.force_login(room["people"][who].user)
    return client


def _propose(room, who, value, role="pm"):
    services.proposal_set(
        workshop=room["w"],
        participant=room["people"][who],
        activity_id=room["pricing"],
        role_id=room[role],
        value=value,
    )


def test_an_outsider_gets_404_everywhere(client, room):
    outsider = MembershipFactory(access=Access.ADMIN)
    client.force_login(outsider.user)
    for url in (
        _url(room),
        _url(room, "live"),
        _url(room, "summary"),
        _url(room, "summary_csv"),
        _url(room, "proposal", room["pricing"], room["pm"]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(_url(room, "step", "reveal")).status_code == 404
    assert client.post(_url(room, "settle", room["pricing"]), {"role": room["pm"], "value": "A"}).status_code == 404


def test_a_workshop_of_another_matrix_is_404(client, room):
    other = raci_services.matrix_create(workspace=room["ws"], name="Other", actor=room["people"]["admin"].user)
    url = reverse("workshops:workshop", args=[room["ws"].slug, other.slug, room["w"].pk])
    assert _as(client, room, "PM").get(url).status_code == 404


def test_an_invited_viewer_proposes_with_a_plain_post(client, room):
    response = _as(client, room, "viewer").post(_url(room, "proposal", room["pricing"], room["pm"]), {"value": "A"})
    assert response.status_code == 302 and response["Location"].endswith(f"#row-{room['pricing']}")
    assert Proposal.objects.get(participant=room["people"]["viewer"]).value == "A"
    assert not Cell.objects.filter(activity_id=room["pricing"]).exclude(value="").exists()


def test_the_proposal_form_works_without_javascript(client, room):
    response = _as(client, room, "viewer").get(_url(room, "proposal", room["pricing"], room["pm"]))
    assert response.status_code == 200 and b"Save my proposal" in response.content


def test_an_htmx_proposal_answers_with_the_cell_badges_and_counts(client, room):
    _as(client, room, "PMM")
    client.post(_url(room, "proposal", room["pricing"], room["pmm"]), {"value": "A"}, headers={"HX-Request": "true"})
    response = client.post(
        _url(room, "proposal", room["pricing"], room["pm"]), {"value": "A"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="c-{room["pricing"]}-{room["pm"]}"' in body
    assert f'id="rb-{room["pricing"]}" class="badge-slot" hx-swap-oob="true"><span class="badge sev-e"' in body
    assert 'id="finding-counts"' in body and "1 error" in body


def test_an_uninvited_member_cannot_propose(client, room):
    response = _as(client, room, "editor").post(_url(room, "proposal", room["pricing"], room["pm"]), {"value": "A"})
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_an_invalid_letter_is_422_in_place(client, room):
    response = _as(client, room, "PMM").post(
        _url(room, "proposal", room["pricing"], room["pm"]), {"value": "Z"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422 and "not a RACI value" in response.content.decode()


def test_before_the_reveal_no_page_shows_another_participants_letters(client, room):
    _propose(room, "PMM", "AR")
    _propose(room, "PMM", "C", role="pmm")
    for who in ("PM", "viewer", "admin", "editor"):
        _as(client, room, who)
        for url in (
            _url(room),
            _url(room, "live") + "?v=0&s=open",
            _url(room, "summary"),
            _url(room, "summary_csv"),
            _url(room, "proposal", room["pricing"], room["pm"]),
        ):
            response = client.get(url)
            body = response.content.decode()
            # PMM's letters would show as a cell with its class, a chip of the spread, or a count.
            assert not re.search(r'id="c-\d+-\d+" class="c v(AR|C)', body), (who, url)
            assert 'class="chip' not in body and not re.search(r"×\d", body), (who, url)
            assert ",AR" not in body and ",A/R" not in body, (who, url)


def test_the_facilitator_sees_who_proposed(client, room):
    _propose(room, "PMM", "A")
    body = _as(client, room, "PM").get(_url(room)).content.decode()
    assert "1 of 3</strong> people have proposed" in body
    assert "Reveal the proposals" in body


def test_only_the_facilitator_or_an_admin_reveals(client, room):
    assert _as(client, room, "PMM").post(_url(room, "step", "reveal")).status_code == 403
    assert b"Reveal the proposals" not in client.get(_url(room)).content
    assert _as(client, room, "admin").post(_url(room, "step", "reveal")).status_code == 302
    assert Workshop.objects.get(pk=room["w"].pk).status == "revealed"


def test_an_unknown_step_is_404_and_steps_need_post(client, room):
    _as(client, room, "PM")
    assert client.post(_url(room, "step", "explode")).status_code == 404
    assert client.get(_url(room, "step", "reveal")).status_code == 405


def test_the_live_poll_is_204_when_nothing_changed_and_reloads_on_a_new_status(client, room):
    _as(client, room, "viewer")
    version = Workshop.objects.get(pk=room["w"].pk).version
    assert client.get(_url(room, "live") + f"?v={version}&s=open").status_code == 204
    _propose(room, "PMM", "A")
    response = client.get(_url(room, "live") + f"?v={version}&s=open")
    assert response.status_code == 200 and 'id="ws-progress"' in response.content.decode()
    services.workshop_reveal(workshop=room["w"])
    response = client.get(_url(room, "live") + f"?v={version + 1}&s=open")
    assert response["HX-Refresh"] == "true"


def test_the_live_poll_costs_two_queries_when_nothing_changed(client, room, django_assert_num_queries):
    _as(client, room, "viewer")
    version = Workshop.objects.get(pk=room["w"].pk).version
    client.get(_url(room, "live") + f"?v={version}&s=open")
    with django_assert_num_queries(3):  # the session and user, the matrix with access, the version
        assert client.get(_url(room, "live") + f"?v={version}&s=open").status_code == 204


def test_after_the_reveal_everyone_invited_sees_the_spread(client, room):
    _propose(room, "PMM", "A")
    _propose(room, "viewer", "R")
    services.workshop_reveal(workshop=room["w"])
    body = _as(client, room, "viewer").get(_url(room)).content.decode()
    assert "People disagree" in body and "×1" in body
    assert "Settle row" not in body


def test_settling_with_a_plain_post_redirects_and_writes_the_matrix(client, room):
    _propose(room, "PMM", "A")
    services.workshop_reveal(workshop=room["w"])
    response = _as(client, room, "PM").post(
        _url(room, "settle", room["pricing"]), {"role": room["pm"], "value": "A", "since": room["matrix"].last_seq}
    )
    assert response.status_code == 302
    assert Cell.objects.get(activity_id=room["pricing"], role_id=room["pm"]).value == "A"


def test_settling_a_row_with_htmx_answers_with_the_board(client, room):
    _propose(room, "PMM", "A")
    services.workshop_reveal(workshop=room["w"])
    response = _as(client, room, "PM").post(
        _url(room, "settle", room["pricing"]),
        {f"v-{room['pm']}": "A", f"v-{room['pmm']}": "R", "since": room["matrix"].last_seq},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="board"' in body and "✓ settled A" in body
    assert 'id="ws-live"' in body and 'hx-swap-oob="true"' in body
    assert Cell.objects.get(activity_id=room["pricing"], role_id=room["pmm"]).value == "R"


def test_a_stale_settlement_is_409_saying_what_changed(client, room):
    _propose(room, "PMM", "A")
    services.workshop_reveal(workshop=room["w"])
    seen = room["matrix"].last_seq
    raci_services.cell_set(
        matrix=room["matrix"],
        activity_id=room["pricing"],
        role_id=room["pm"],
        value="C",
        expected_version=0,
        actor=room["people"]["editor"].user,
    )
    response = _as(client, room, "PM").post(
        _url(room, "settle", room["pricing"]),
        {"role": room["pm"], "value": "A", "since": seen},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409 and "Pricing × PM" in response.content.decode()
    assert Cell.objects.get(activity_id=room["pricing"], role_id=room["pm"]).value == "C"


def test_a_participant_cannot_settle_split_or_note(client, room):
    services.workshop_reveal(workshop=room["w"])
    _as(client, room, "PMM")
    assert client.post(_url(room, "settle", room["pricing"]), {"role": room["pm"], "value": "A"}).status_code == 403
    assert (
        client.post(
            _url(room, "split", room["pricing"]), {"input_role": room["pm"], "outcome_role": room["pmm"]}
        ).status_code
        == 403
    )
    assert client.post(_url(room, "note", room["pricing"]), {"note": "x"}).status_code == 403


def test_a_note_goes_to_the_decision_log(client, room):
    services.workshop_reveal(workshop=room["w"])
    _as(client, room, "PM").post(_url(room, "note", room["pricing"]), {"note": "<b>PMM</b> sets the price"})
    assert Decision.objects.get(activity_id=room["pricing"]).what == "<b>PMM</b> sets the price"
    assert "&lt;b&gt;PMM&lt;/b&gt;" in client.get(_url(room)).content.decode()


@pytest.mark.parametrize("action", ["note", "split"])
def test_a_row_change_on_a_closed_workshop_is_a_409_conflict_in_place(client, room, action):
    # The same status whichever row change is refused for the same reason: a conflict with
    # the workshop's state is 409 (a note and a split used to answer 422, a settle 409).
    _propose(room, "PMM", "A")
    _propose(room, "viewer", "R")
    services.workshop_reveal(workshop=room["w"])
    services.workshop_close(workshop=room["w"])
    data = {"note": "Too late"} if action == "note" else {"input_role": room["pm"], "outcome_role": room["pmm"]}
    response = _as(client, room, "PM").post(_url(room, action, room["pricing"]), data, headers={"HX-Request": "true"})
    assert response.status_code == 409 and "closed" in response.content.decode()
    assert not Decision.objects.filter(activity_id=room["pricing"]).exists()


def test_the_summary_csv_has_the_spread_after_the_reveal(client, room):
    _propose(room, "PMM", "A")
    services.workshop_reveal(workshop=room["w"])
    body = _as(client, room, "viewer").get(_url(room, "summary_csv")).content.decode()
    assert "Activity,Role,Reveal" in body and "Pricing,PM,finding,A×1" in body


def test_the_matrix_page_offers_a_new_workshop_to_editors_only(client, room):
    url = reverse("raci:matrix", args=[room["ws"].slug, room["matrix"].slug])
    new = reverse("workshops:new", args=[room["ws"].slug, room["matrix"].slug])
    assert new in _as(client, room, "editor").get(url).content.decode()
    assert new not in _as(client, room, "viewer").get(url).content.decode()
    assert client.get(new).status_code == 403


def test_an_editor_opens_a_workshop_with_a_plain_form(client, room):
    _as(client, room, "editor")
    new = reverse("workshops:new", args=[room["ws"].slug, room["matrix"].slug])
    assert client.get(new).status_code == 200
    response = client.post(new, {"title": "Second", "participants": [room["people"]["viewer"].pk]})
    workshop = Workshop.objects.get(title="Second")
    assert response.status_code == 302 and response["Location"].endswith(f"/workshops/{workshop.pk}/")
    assert workshop.participants.count() == 2
    assert client.post(new, {"title": ""}).status_code == 422
    assert client.post(new, {"title": "x", "participants": ["999999"]}).status_code == 422


def test_a_workshop_on_a_new_matrix_from_the_shared_concerns(client, room):
    _as(client, room, "editor")
    url = reverse("workshops:matrix_new", args=[room["ws"].slug])
    response = client.post(url, {"name": "Concerns 2", "start": "concerns"})
    assert response.status_code == 302 and "/matrices/concerns-2/workshops/new/" in response["Location"]
    assert _as(client, room, "viewer").get(url).status_code == 403


def _sized_room(team, n):
    ws, _, people = team
    matrix, acts, roles = build_matrix(ws, activities=n, roles=3, name="Small" if n == 5 else "Large")
    workshop = services.workshop_open(
        matrix=matrix, facilitator=people["PM"], title="Sized", participant_ids=[people["PMM"].pk, people["viewer"].pk]
    )
    for who in ("PM", "PMM", "viewer"):
        for a in acts:
            services.proposal_set(
                workshop=workshop,
                participant=people[who],
                activity_id=a.pk,
                role_id=roles[0].pk,
                value="A" if who != "viewer" else "R",
            )
    return matrix, workshop


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("revealed", [False, True])
def test_the_workshop_page_costs_the_same_queries_for_5_and_50_activities(client, team, revealed):
    _, _, people = team
    counts = []
    for n in (5, 50):
        matrix, workshop = _sized_room(team, n)
        if revealed:
            services.workshop_reveal(workshop=workshop)
        client.force_login(people["PM"].user)
        url = reverse("workshops:workshop", args=[matrix.workspace.slug, matrix.slug, workshop.pk])
        counts.append(_count_queries(client, url))
    assert counts[0] == counts[1]


def test_a_settlement_without_the_pages_sequence_is_checked_as_stale(client, room):
    """A settle posted without `since` is checked from the start of the matrix's history,
    so it cannot skip the check and overwrite someone's edit."""
    _propose(room, "PMM", "A")
    services.workshop_reveal(workshop=room["w"])
    raci_services.cell_set(
        matrix=room["matrix"],
        activity_id=room["pricing"],
        role_id=room["pm"],
        value="C",
        expected_version=0,
        actor=room["people"]["editor"].user,
    )
    response = _as(client, room, "PM").post(
        _url(room, "settle", room["pricing"]), {"role": room["pm"], "value": "A"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    assert Cell.objects.get(activity_id=room["pricing"], role_id=room["pm"]).value == "C"


def _row_select(body: str, role: int) -> str:
    return re.search(rf'<select name="v-{role}"[^>]*>(.*?)</select>', body, re.S).group(1)


def test_the_settle_form_starts_from_the_rooms_answer_never_the_matrixs_letters(client, room):
    # The matrix says C for PMM; the room proposed A for PM and left PMM blank.
    raci_services.cell_set(
        matrix=room["matrix"],
        activity_id=room["pricing"],
        role_id=room["pmm"],
        value="C",
        expected_version=0,
        actor=room["people"]["admin"].user,
    )
    _propose(room, "PMM", "A")
    _propose(room, "viewer", "A")
    services.workshop_reveal(workshop=room["w"])
    body = _as(client, room, "PM").get(_url(room)).content.decode()
    assert '<option value="A" selected>' in _row_select(body, room["pm"])
    assert '<option value="" selected>' in _row_select(body, room["pmm"])


def test_a_split_cell_shows_the_split_and_settling_it_unpicked_is_refused_by_name(client, room):
    _propose(room, "PMM", "A")
    _propose(room, "viewer", "R")
    services.workshop_reveal(workshop=room["w"])
    client = _as(client, room, "PM")
    body = client.get(_url(room)).content.decode()
    assert '<option value="split" selected>split: R×1, A×1</option>' in _row_select(body, room["pm"])
    response = client.post(
        _url(room, "settle", room["pricing"]),
        {f"v-{room['pm']}": "split", f"v-{room['pmm']}": "", "since": room["matrix"].last_seq},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "The room was split on PM: pick its letter" in response.content.decode()
    assert not Cell.objects.filter(activity_id=room["pricing"]).exclude(value="").exists()


def test_a_fresh_new_workshop_form_ticks_no_activity_and_states_the_rule(client, room):
    _as(client, room, "editor")
    new = reverse("workshops:new", args=[room["ws"].slug, room["matrix"].slug])
    body = client.get(new).content.decode()
    assert 'name="activities"' in body and not re.search(r'name="activities"[^>]*checked', body)
    assert "None ticked: every activity of the matrix." in body
    three = list(room["matrix"].activities.order_by("order").values_list("pk", flat=True)[:3])
    client.post(new, {"title": "Three", "activities": three})
    assert set(Workshop.objects.get(title="Three").activities.values_list("pk", flat=True)) == set(three)
    client.post(new, {"title": "All"})
    assert Workshop.objects.get(title="All").activities.count() == room["matrix"].activities.count()
