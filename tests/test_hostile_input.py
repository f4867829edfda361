"""What the fuzzing pass (tests/test_fuzz.py) found, one behaviour each."""

from datetime import date

import pytest
from django import forms
from django.test import Client

from core import bounds
from launches import forms as launch_forms
from launches import planning
from launches import services as launch_services
from launches.models import AvoidDate, Launch
from raci import services
from raci.views import decisions as decision_views
from rituals import cadence as rituals
from rituals import ical
from rituals import services as rituals_services
from rituals.models import Ritual
from tests.factories import MembershipFactory, UserFactory, build_matrix
from tests.launches.conftest import make_launch
from workspaces import services as workspaces_services
from workspaces.models import Access

FAR, EARLY = date(9999, 12, 31), date(1, 1, 2)


def _client(membership) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(membership.user)
    return client


# --- whole numbers from query values and hand-parsed fields --------------------------------


@pytest.mark.parametrize("raw", ["²", "١٢", "𝟗", "-1", "1.0", "", None, "9" * 40, "9223372036854775808"])
def test_query_int_refuses_what_is_not_an_ascii_whole_number_within_an_id(raw):
    assert bounds.query_int(raw) is None
    assert bounds.query_int(raw, default=0) == 0


def test_query_int_reads_ascii_digits():
    assert bounds.query_int("0042") == 42
    assert bounds.query_int("9223372036854775807") == 2**63 - 1


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["since=²", "since=١٢", "since=" + "9" * 40])
def test_changes_since_a_non_ascii_digit_reads_as_from_the_start(query):
    member = MembershipFactory(access=Access.EDITOR)
    matrix, _, _ = build_matrix(member.workspace, activities=2, roles=2)
    response = _client(member).get(f"/w/{member.workspace.slug}/matrices/{matrix.slug}/changes/?{query}")
    assert response.status_code in (200, 204)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["?person=²", "history/?person=²&activity=١٢&role=𝟗", "decisions/?activity=²"])
def test_matrix_pages_ignore_filters_that_are_not_whole_numbers(path):
    member = MembershipFactory(access=Access.EDITOR)
    matrix, _, _ = build_matrix(member.workspace, activities=2, roles=2)
    response = _client(member).get(f"/w/{member.workspace.slug}/matrices/{matrix.slug}/{path}")
    assert response.status_code == 200


@pytest.mark.django_db
def test_role_holders_that_are_not_whole_numbers_are_ignored():
    admin = MembershipFactory(access=Access.ADMIN)
    role = workspaces_services.role_create(workspace=admin.workspace, name="Product", code="PM")
    response = _client(admin).post(
        f"/w/{admin.workspace.slug}/roles/{role.pk}/holders/", {"holders": ["²", str(admin.pk)]}
    )
    assert response.status_code == 302
    assert list(role.holders.values_list("membership_id", flat=True)) == [admin.pk]


@pytest.mark.django_db
def test_a_tier_written_in_non_ascii_digits_is_no_tier(team):
    ws, cycle, people = team
    launch = make_launch(cycle, people)
    response = _client(people["admin"]).post(f"/w/{ws.slug}/launches/{cycle.slug}/{launch.pk}/tier/", {"tier": "²"})
    assert response.status_code == 302


# --- NUL -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["query", "urlencoded", "multipart", "path", "cookie"])
def test_a_nul_anywhere_in_the_request_is_refused_with_a_message_and_saves_nothing(how):
    admin = MembershipFactory(access=Access.ADMIN)
    client = _client(admin)
    url = f"/w/{admin.workspace.slug}/roles/add/"
    data = {"name": "Pricing\x00", "code": "PR", "description": ""}
    if how == "query":
        response = client.get(f"/w/{admin.workspace.slug}/roles/?q=a%00b")
    elif how == "urlencoded":
        response = client.post(url, "name=Pricing%00&code=PR", content_type="application/x-www-form-urlencoded")
    elif how == "multipart":
        response = client.post(url, data)
    elif how == "path":
        response = client.get(f"/w/{admin.workspace.slug}/launches/feed/a%00b.ics")
    else:
        client.cookies["sessionid"] = "abc\x00def"
        response = client.get(f"/w/{admin.workspace.slug}/roles/")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert not admin.workspace.roles.filter(code="PR").exists()


@pytest.mark.django_db
def test_a_form_without_nul_is_served_as_before():
    admin = MembershipFactory(access=Access.ADMIN)
    response = _client(admin).post(f"/w/{admin.workspace.slug}/roles/add/", {"name": "Pricing", "code": "PR"})
    assert response.status_code == 302


# --- the tier reason -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_a_tier_reason_over_2000_characters_is_refused_on_the_card_and_nothing_is_saved(team, htmx):
    ws, cycle, people = team
    launch = make_launch(cycle, people)
    headers = {"HX-Request": "true"} if htmx else {}
    response = _client(people["admin"]).post(
        f"/w/{ws.slug}/launches/{cycle.slug}/{launch.pk}/tier/", {"tier": "1", "reason": "x" * 2001}, headers=headers
    )
    assert response.status_code == (422 if htmx else 302)
    if htmx:
        assert "Keep the reason under 2,000 characters." in response.content.decode()
    launch.refresh_from_db()
    assert launch.tier is None


# --- next= on mark-all-read ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["foo", "notifications:notifications", "//evil.example/", "https://evil.example/"])
def test_mark_all_read_with_a_next_that_is_no_path_goes_to_the_notifications(target):
    member = MembershipFactory()
    response = _client(member).post("/notifications/read-all/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


@pytest.mark.django_db
def test_mark_all_read_goes_back_to_a_path_of_this_site():
    member = MembershipFactory()
    response = _client(member).post("/notifications/read-all/", {"next": f"/w/{member.workspace.slug}/"})
    assert response["Location"] == f"/w/{member.workspace.slug}/"


# --- far dates where they are entered ------------------------------------------------------


def _all_forms():
    for module in (launch_forms, decision_views, __import__("raci.forms", fromlist=["forms"])):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.Form) and value.__module__ == module.__name__:
                yield value


def test_every_date_field_of_every_form_is_bounded():
    for form_class in _all_forms():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateField):
                assert isinstance(field, bounds.BoundedDateField), f"{form_class.__name__}.{name}"


@pytest.mark.parametrize("day", ["1999-12-31", "2101-01-01", "9999-12-31", "0001-01-02"])
def test_a_date_outside_2000_to_2100_is_refused_at_the_field(day):
    form = launch_forms.AvoidDateForm({"name": "Conference", "start": day})
    assert not form.is_valid()
    assert form.errors["start"] == ["Pick a date between 1 Jan 2000 and 31 Dec 2100."]


def test_the_date_picker_offers_only_the_window():
    html = str(launch_forms.AvoidDateForm()["start"])
    assert 'min="2000-01-01"' in html and 'max="2100-12-31"' in html


@pytest.mark.django_db
def test_a_ritual_starting_in_the_year_9999_is_refused_at_the_field(team):
    ws, _, people = team
    response = _client(people["admin"]).post(
        f"/w/{ws.slug}/rituals/",
        {
            "name": "Far",
            "cadence": "monthly",
            "starts_on": "9999-12-31",
            "repeat_on": "weekday",
            "agenda": "Status, 10 min",
        },
    )
    assert response.status_code == 422
    assert "Pick a date between" in response.content.decode()
    assert not Ritual.objects.filter(name="Far").exists()


@pytest.mark.django_db
def test_a_launch_csv_with_a_far_date_names_the_row_and_saves_nothing(team):
    ws, cycle, _ = team
    with pytest.raises(launch_services.ImportRefused) as refused:
        launch_services.launches_import(cycle=cycle, data=b"Name,Launch date\nFar,9999-12-31\n")
    assert "Pick a date between" in refused.value.errors[0].message
    assert not Launch.objects.filter(name="Far").exists()


# --- far dates already stored --------------------------------------------------------------


def test_a_monthly_series_at_the_end_of_the_calendar_has_no_date_after_it():
    series = rituals.Series(rituals.MONTHLY, date(9999, 12, 24), by_weekday=True)  # the fourth Friday
    assert series.next_on_or_after(date(9999, 12, 25)) is None
    assert series.dates_from(date(2027, 1, 1), 3) == [date(9999, 12, 24)]
    assert series.dates_between(date(9999, 12, 1), FAR) == [date(9999, 12, 24)]
    assert not series.is_on(FAR)


def test_a_weekly_series_stops_at_the_end_of_the_calendar():
    series = rituals.Series(rituals.WEEKLY, date(9999, 12, 20))
    assert series.dates_from(date(9999, 12, 1), 5) == [date(9999, 12, 20), date(9999, 12, 27)]


def test_dates_to_avoid_at_the_ends_of_the_calendar_are_still_compared():
    avoid = [planning.Avoid("Far", FAR, FAR), planning.Avoid("Early", EARLY, EARLY)]
    assert planning.near_avoid_dates(date(2027, 3, 1), avoid) == []
    assert [a.name for a in planning.near_avoid_dates(date(9999, 12, 29), avoid)] == ["Far"]


def test_the_calendar_feed_ends_a_day_on_31_december_9999_without_a_next_day():
    text = ical.calendar_text(name="Team", host="example.com", events=[("k", FAR, "Far", "")])
    assert "DTSTART;VALUE=DATE:99991231" in text and "DTEND" not in text


@pytest.fixture
def far_rows(team):
    ws, cycle, people = team
    launch = make_launch(cycle, people, name="Far launch")
    Launch.objects.filter(pk=launch.pk).update(launch_date=FAR, ship_date=EARLY)
    AvoidDate.objects.create(workspace=ws, name="Far", start=FAR, end=FAR)
    AvoidDate.objects.create(workspace=ws, name="Early", start=EARLY, end=EARLY)
    far = Ritual.objects.create(workspace=ws, name="Far ritual", cadence="monthly", starts_on=FAR, by_weekday=True)
    Ritual.objects.create(workspace=ws, name="Early ritual", cadence="weekly", starts_on=EARLY)
    return ws, cycle, people, launch, far


@pytest.mark.django_db
@pytest.mark.parametrize(
    "where",
    [
        "",
        "rituals/",
        "rituals/{far}/",
        "rituals/{far}/9999-12-31/",
        "launches/{cycle}/",
        "launches/{cycle}/calendar/",
        "launches/{cycle}/{launch}/",
        "launches/avoid/",
    ],
)
def test_pages_reading_dates_stored_at_the_ends_of_the_calendar_still_answer(far_rows, where):
    ws, cycle, people, launch, far = far_rows
    path = where.format(far=far.pk, cycle=cycle.slug, launch=launch.pk)
    response = _client(people["viewer"]).get(f"/w/{ws.slug}/{path}")
    assert response.status_code in (200, 404)
    assert response.status_code == 200 or "9999-12-31" in path


@pytest.mark.django_db
def test_the_calendar_feed_answers_with_dates_stored_at_the_ends_of_the_calendar(far_rows):
    ws, *_ = far_rows
    feed = launch_services.feed_token_regenerate(workspace=ws)
    response = Client(raise_request_exception=False).get(f"/w/{ws.slug}/launches/feed/{feed.token}.ics")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_tick_plans_nothing_for_a_ritual_that_ran_off_the_calendar(team):
    ws, _, _ = team
    Ritual.objects.all().delete()
    ritual = Ritual.objects.create(
        workspace=ws, name="Far", cadence="monthly", starts_on=date(9999, 12, 24), by_weekday=True
    )
    rituals_services.rituals_tick(today=date(9999, 12, 25))
    assert not ritual.occurrences.exists()


# --- slugs the URLs use --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_workspace_named_new_gets_a_slug_that_is_not_the_create_page():
    workspace = workspaces_services.workspace_create(name="New", owner=UserFactory())
    assert workspace.slug == "new-2"
    assert Client().get("/w/new-2/").status_code == 302  # to sign in, not the create page's 405


@pytest.mark.django_db
def test_a_matrix_named_new_gets_a_slug_that_is_not_the_new_matrix_page():
    member = MembershipFactory(access=Access.EDITOR)
    matrix = services.matrix_create(workspace=member.workspace, name="New", actor=member.user)
    assert matrix.slug == "new-2"
    assert _client(member).get(f"/w/{member.workspace.slug}/matrices/new-2/").status_code == 200


def test_reserved_slugs_are_the_words_the_urls_use_where_a_slug_goes():
    from tests.test_fuzz import url_patterns

    after = {"w/": set(), "matrices/": set()}
    for _, pattern in url_patterns():
        route = str(pattern.pattern)
        for prefix, words in after.items():
            head, sep, rest = route.partition(prefix)
            word = rest.split("/")[0]
            if sep and word and "<" not in word and (prefix == "w/" and head == "" or prefix == "matrices/"):
                words.add(word)
    assert after["w/"] <= workspaces_services.RESERVED_WORKSPACE_SLUGS
    assert after["matrices/"] <= services.RESERVED_MATRIX_SLUGS


def test_the_nul_check_skips_only_bodies_larger_than_any_import_takes():
    from django.conf import settings

    from raci.limits import LIMITS

    assert settings.UPLOAD_MAX_BYTES == LIMITS.file_bytes
