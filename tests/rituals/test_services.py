"""Rituals: the defaults every workspace starts with, edits, the tick (idempotent, tiering
opens the next launch cycle once), meeting notes, decisions into the decision log, the
next meetings for the workspace page, and the iCalendar feed."""

from datetime import date, time
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import time_machine

from core.errors import InvalidInput, NotFound
from launches import services as launches_services
from launches.models import LaunchCycle
from raci.models import Decision
from rituals import ical, selectors, services, tasks
from rituals.models import Occurrence, OccurrenceDecision, Ritual
from tests.factories import MatrixFactory, MembershipFactory, UserFactory
from tests.queries import assert_same_queries
from workspaces import services as raci_services
from workspaces.models import Role

pytestmark = pytest.mark.django_db
NOV_23 = "2026-11-23 09:00Z"  # a Monday


@pytest.fixture
def clock():
    with time_machine.travel(NOV_23, tick=False) as traveller:
        yield traveller


@pytest.fixture
def ws(clock, team):
    return team[0]


def _ritual(ws, **overrides):
    fields = {"name": "Pricing sync", "cadence": "weekly", "starts_on": date(2026, 11, 25), "agenda": "Status, 5\nAsks"}
    return services.ritual_create(workspace=ws, **fields | overrides)


def test_a_new_workspace_starts_with_the_three_rituals_of_seed_000(clock):
    workspace = raci_services.workspace_create(name="Growth", owner=UserFactory())
    found = {r.key: r for r in Ritual.objects.filter(workspace=workspace).select_related("owner_role")}
    assert set(found) == {"roadmap-review", "launch-tiering", "win-loss-huddle"}
    assert (found["roadmap-review"].cadence, found["roadmap-review"].owner_role.code) == ("monthly", "PM")
    assert found["roadmap-review"].by_weekday and found["roadmap-review"].next_date(date(2026, 12, 2)) == date(
        2027, 1, 5
    )
    assert (found["launch-tiering"].cadence, found["launch-tiering"].starts_on) == ("quarterly", date(2026, 12, 16))
    assert found["win-loss-huddle"].cadence == "biweekly"
    assert sorted(r.code for r in found["win-loss-huddle"].attendee_roles.all()) == ["PM", "PMM"]
    assert [s["title"] for s in found["roadmap-review"].agenda][:3] == [
        "Status",
        "The What: features (PM)",
        "The Who: target audience (PMM)",
    ]
    # Each has its next meeting planned already.
    assert Occurrence.objects.filter(ritual__workspace=workspace).count() == 3


def test_seeding_the_defaults_twice_adds_nothing_and_reuses_the_roles(ws):
    first = services.rituals_seed_defaults(workspace=ws)
    assert len(first) == 3 and services.rituals_seed_defaults(workspace=ws) == []
    assert Role.objects.filter(workspace=ws, code="PM").count() == 1
    assert Ritual.objects.filter(workspace=ws).count() == 3


def test_the_data_migration_gives_existing_workspaces_the_defaults(ws):
    from importlib import import_module

    from django.apps import apps as current

    class apps:  # the labels the migration was written with, before the app split
        get_model = staticmethod(
            lambda label, name: current.get_model({"raci": "workspaces", "launches": "rituals"}[label], name)
        )

    migration = import_module("launches.migrations.0005_default_rituals")
    other = MembershipFactory().workspace
    migration.add_default_rituals(apps, None)
    migration.add_default_rituals(apps, None)
    assert Ritual.objects.filter(workspace=other).count() == 3 and Ritual.objects.filter(workspace=ws).count() == 3
    assert set(Role.objects.filter(workspace=other).values_list("code", flat=True)) == {"PM", "PMM"}


def test_demo_seed_has_the_rituals_logging_to_its_matrix(clock):
    from dashboard.seeding import demo_seed

    workspace = demo_seed()
    demo_seed()
    rituals = Ritual.objects.filter(workspace=workspace)
    assert rituals.count() == 3 and all(r.default_matrix_id for r in rituals)


def test_creating_a_ritual_checks_its_fields(ws, team):
    people = team[2]
    pm = Role.objects.get(workspace=ws, code="PM")
    ritual = _ritual(
        ws,
        owner_role_id=pm.pk,
        attendee_role_ids=[pm.pk],
        attendee_member_ids=[people["PMM"].pk],
        time_of_day=time(9, 30),
    )
    assert ritual.attendee_labels == ["PM", people["PMM"].display_name]
    assert [s.title for s in ritual.sections] == ["Status", "Asks"]
    foreign = MembershipFactory()
    refusals = [
        ({"starts_on": date(2026, 11, 22)}, "starts_on"),
        ({"cadence": "daily"}, "cadence"),
        ({"agenda": "A\na"}, "agenda"),
        ({"name": " "}, "name"),
        ({"owner_role_id": Role.objects.create(workspace=foreign.workspace, code="X", name="X").pk}, "owner_role"),
        ({"attendee_member_ids": [foreign.pk]}, "attendee_members"),
        ({"default_matrix_id": MatrixFactory(workspace=foreign.workspace).pk}, "default_matrix"),
    ]
    for overrides, field in refusals:
        with pytest.raises(InvalidInput) as refused:
            _ritual(ws, **overrides)
        assert refused.value.field == field


def test_moving_a_ritual_moves_its_empty_planned_meetings_and_keeps_written_ones(ws, clock):
    ritual = _ritual(ws)  # Wednesdays from 25 November
    services.occurrence_notes_save(ritual=ritual, day=date(2026, 12, 2), texts=["Kept", ""])
    services.ritual_update(
        ritual=ritual, name="Pricing sync", cadence="weekly", starts_on=date(2026, 11, 26), agenda="Status, 5\nAsks"
    )
    assert sorted(ritual.occurrences.values_list("date", flat=True)) == [date(2026, 11, 26), date(2026, 12, 2)]


def test_a_paused_ritual_plans_nothing_until_resumed(ws, clock):
    ritual = _ritual(ws)
    services.ritual_pause(ritual=ritual, paused=True)
    assert not ritual.occurrences.exists()
    services.rituals_tick(today=date(2026, 11, 23))
    assert not ritual.occurrences.exists()
    assert [u.name for u in selectors.next_rituals(workspace=ws, today=date(2026, 11, 23), limit=10)] == []
    clock.move_to("2026-12-08 09:00Z")
    services.ritual_pause(ritual=ritual, paused=False)
    assert list(ritual.occurrences.values_list("date", flat=True)) == [date(2026, 12, 9)]


def test_deleting_a_ritual_keeps_its_decisions_in_the_log(ws):
    ritual = _ritual(ws)
    matrix = MatrixFactory(workspace=ws)
    decision = services.occurrence_decide(
        ritual=ritual, day=date(2026, 11, 25), matrix_id=matrix.pk, what="Ship it", actor=None
    )
    services.ritual_delete(workspace=ws, ritual_id=ritual.pk)
    assert Decision.objects.filter(pk=decision.pk).exists() and not OccurrenceDecision.objects.exists()
    with pytest.raises(NotFound):
        services.ritual_delete(workspace=ws, ritual_id=ritual.pk)


def _rows():
    return sorted(Occurrence.objects.values_list("ritual_id", "date", "due_handled"))


def test_the_tick_plans_the_next_meeting_of_each_ritual_and_twice_changes_nothing(ws, clock):
    services.rituals_seed_defaults(workspace=ws)
    Occurrence.objects.all().delete()
    tasks.rituals_tick.delay()
    first = _rows()
    assert sorted(d for _, d, _ in first) == [date(2026, 11, 26), date(2026, 12, 1), date(2026, 12, 16)]
    assert tasks.rituals_tick() == {"created": 0, "opened": []}
    assert _rows() == first
    # Past the huddle and the review, their next meetings are planned; the past ones stay.
    clock.move_to("2026-12-04 09:00Z")
    assert tasks.rituals_tick()["created"] == 2
    assert {d for _, d, _ in _rows()} == {
        date(2026, 11, 26),
        date(2026, 12, 1),
        date(2026, 12, 16),
        date(2026, 12, 10),
        date(2027, 1, 5),
    }


def test_the_tiering_opens_the_next_quarters_cycle_once_when_it_comes_due(ws, clock):
    LaunchCycle.objects.filter(workspace=ws).delete()
    services.rituals_seed_defaults(workspace=ws)
    tasks.rituals_tick()
    assert not LaunchCycle.objects.filter(workspace=ws, slug="2027-q1").exists()  # not due yet
    clock.move_to("2026-12-16 09:00Z")
    assert tasks.rituals_tick()["opened"] == [f"{ws.pk}:2027-q1"]
    assert tasks.rituals_tick()["opened"] == []
    assert LaunchCycle.objects.filter(workspace=ws, year=2027, quarter=1).count() == 1
    # Deleted by hand afterwards: the tick does not bring it back.
    LaunchCycle.objects.filter(workspace=ws, slug="2027-q1").delete()
    tasks.rituals_tick()
    assert not LaunchCycle.objects.filter(workspace=ws, slug="2027-q1").exists()
    # The next quarter's tiering opens Q2.
    clock.move_to("2027-03-17 09:00Z")
    tasks.rituals_tick()
    assert LaunchCycle.objects.filter(workspace=ws, slug="2027-q2").exists()


def test_a_tiering_whose_day_passed_without_a_tick_still_opens_the_cycle(ws, clock):
    LaunchCycle.objects.filter(workspace=ws).delete()
    services.rituals_seed_defaults(workspace=ws)
    Occurrence.objects.all().delete()
    clock.move_to("2026-12-21 09:00Z")  # three days after the tiering, nothing planned
    tasks.rituals_tick()
    assert LaunchCycle.objects.filter(workspace=ws, slug="2027-q1").exists()


def test_a_quarter_opened_by_hand_is_left_alone(ws, clock, team):
    services.rituals_seed_defaults(workspace=ws)
    assert LaunchCycle.objects.filter(workspace=ws, slug="2027-q1").exists()  # opened by hand (the fixture)
    launches_services.cycle_create(workspace=ws, quarter="2027-Q2")
    clock.move_to("2026-12-16 09:00Z")
    assert tasks.rituals_tick()["opened"] == []
    assert LaunchCycle.objects.filter(workspace=ws).count() == 2


def test_notes_are_saved_per_agenda_section_and_keep_their_agenda(ws):
    ritual = _ritual(ws)
    occurrence = services.occurrence_notes_save(ritual=ritual, day=date(2026, 11, 25), texts=[" All green ", "Budget"])
    assert occurrence.notes == [
        {"title": "Status", "minutes": 5, "text": "All green"},
        {"title": "Asks", "minutes": None, "text": "Budget"},
    ]
    services.ritual_update(
        ritual=ritual, name="Pricing sync", cadence="weekly", starts_on=date(2026, 11, 25), agenda="Only one"
    )
    ritual.refresh_from_db()
    again = services.occurrence_notes_save(ritual=ritual, day=date(2026, 11, 25), texts=["Still two", "sections"])
    assert [n["title"] for n in again.notes] == ["Status", "Asks"]
    with pytest.raises(InvalidInput, match="agenda changed"):
        services.occurrence_notes_save(ritual=ritual, day=date(2026, 11, 25), texts=["one"])
    with pytest.raises(NotFound):
        services.occurrence_notes_save(ritual=ritual, day=date(2026, 11, 26), texts=["not a meeting day"])


def test_a_decision_lands_in_the_decision_log_of_the_chosen_matrix(ws, team):
    ritual = _ritual(ws)
    matrix = MatrixFactory(workspace=ws)
    user = team[2]["PM"].user
    decision = services.occurrence_decide(
        ritual=ritual,
        day=date(2026, 11, 25),
        matrix_id=matrix.pk,
        what="Price per seat",
        why="Simpler",
        decided_by_id=user.pk,
        actor=user,
    )
    logged = Decision.objects.get(matrix=matrix)
    assert logged == decision and logged.decided_on == date(2026, 11, 25) and logged.decided_by == user
    assert logged.why == "Simpler\n\nTaken at the Pricing sync of 25 Nov 2026."
    occurrence = Occurrence.objects.get(ritual=ritual, date=date(2026, 11, 25))
    assert occurrence.matrix == matrix and selectors.occurrence_decisions_of(occurrence=occurrence) == [decision]
    # The next decision defaults to the same matrix.
    assert selectors.decision_matrix_of(ritual=ritual, occurrence=occurrence) == matrix.pk
    with pytest.raises(InvalidInput):
        services.occurrence_decide(
            ritual=ritual, day=date(2026, 11, 25), matrix_id=MatrixFactory().pk, what="x", actor=user
        )
    with pytest.raises(InvalidInput):
        services.occurrence_decide(ritual=ritual, day=date(2026, 11, 25), matrix_id=matrix.pk, what="", actor=user)


def test_the_decision_matrix_defaults_to_the_rituals_then_the_first_one(ws):
    first, second = MatrixFactory(workspace=ws, name="Zeta"), MatrixFactory(workspace=ws, name="Alpha")
    ritual = _ritual(ws)
    assert selectors.decision_matrix_of(ritual=ritual, occurrence=None) == first.pk
    ritual = _ritual(ws, name="Other", default_matrix_id=second.pk)
    assert selectors.decision_matrix_of(ritual=ritual, occurrence=None) == second.pk


def test_next_rituals_lists_the_soonest_meetings_in_one_query(ws):
    services.rituals_seed_defaults(workspace=ws)
    upcoming = selectors.next_rituals(workspace=ws, today=date(2026, 11, 23))
    assert [(u.name, u.date, u.owner_role) for u in upcoming] == [
        ("Win/Loss Huddle", date(2026, 11, 26), "PMM"),
        ("Roadmap Review", date(2026, 12, 1), "PM"),
        ("Win/Loss Huddle", date(2026, 12, 10), "PMM"),
    ]
    assert upcoming[0].url == f"/w/{ws.slug}/rituals/{upcoming[0].ritual_id}/2026-11-26/"
    assert upcoming[0].time == time(15, 0) and upcoming[0].owner_role_name
    made = []

    def build(size):
        made.extend(_ritual(ws, name=f"Sync {n}") for n in range(len(made), size))

    def check(found, _):
        assert len(found) == 5

    assert_same_queries(
        build,
        lambda _: selectors.next_rituals(workspace=ws, today=date(2026, 11, 23), limit=5),
        sizes=(2, 10),
        at_most=1,
        check=check,
    )


def _meetings(text: str, start: date, end: date) -> list:
    return list(recurring_ical_events.of(icalendar.Calendar.from_ical(text)).between(start, end))


def test_the_ical_feed_holds_the_meetings(ws):
    services.rituals_seed_defaults(workspace=ws)
    _ritual(ws, name="Untimed; sync")
    text = ical.calendar_text(name="Team", host="example.com", events=selectors.feed_events_of(workspace=ws))
    series = list(icalendar.Calendar.from_ical(text).walk("VEVENT"))
    assert len({str(e["UID"]) for e in series}) == len(series)
    events = _meetings(text, date(2026, 11, 1), date(2027, 6, 1))
    review = [e for e in events if str(e["SUMMARY"]) == "Roadmap Review"]
    assert review and review[0].decoded("DTSTART").isoformat() == "2026-12-01T10:00:00+00:00"
    minutes = (review[0].decoded("DTEND") - review[0].decoded("DTSTART")).total_seconds() / 60
    assert minutes == 75 and "Owner: PM" in str(review[0]["DESCRIPTION"])
    untimed = [e for e in events if str(e["SUMMARY"]) == "Untimed; sync"]
    assert untimed[0].decoded("DTSTART") == date(2026, 11, 25) and len(untimed) > 10
    assert any(str(e["SUMMARY"]) == "Launch Tiering" for e in events)


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # Paris moves to summer time on 28 March 2027, New York on 14 March.
        ("Europe/Paris", ("2027-03-24", "09:00"), ("2027-03-31", "08:00")),
        ("America/New_York", ("2027-03-10", "15:00"), ("2027-03-17", "14:00")),
    ],
)
def test_the_ical_feed_gives_meeting_times_in_the_workspaces_zone_across_daylight_saving(ws, zone, before, after):
    raci_services.workspace_update(workspace=ws, name=ws.name, time_zone=zone)
    _ritual(ws, name="Pricing sync", time_of_day=time(10, 0))  # Wednesdays at 10:00, the workspace's time
    _ritual(ws, name="All-day sync")
    text = ical.calendar_text(name="Team", host="example.com", events=selectors.feed_events_of(workspace=ws))
    assert f"DTSTART;TZID={zone}:20261125T100000" in text and "BEGIN:VTIMEZONE" in text
    meetings = _meetings(text, date(2027, 3, 1), date(2027, 4, 15))
    utc = {
        e.decoded("DTSTART").astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M")
        for e in meetings
        if str(e["SUMMARY"]) == "Pricing sync"
    }
    assert {" ".join(before), " ".join(after)} <= utc
    starts = {
        e.decoded("DTSTART").astimezone(ZoneInfo(zone)).time() for e in meetings if str(e["SUMMARY"]) == "Pricing sync"
    }
    assert starts == {time(10, 0)}
    all_day = [e for e in meetings if str(e["SUMMARY"]) == "All-day sync"]
    assert all_day and all(type(e.decoded("DTSTART")) is date for e in all_day)
    assert date(2027, 3, 24) in {e.decoded("DTSTART") for e in all_day}


def test_meetings_written_in_keep_their_dates_in_the_lists_after_the_ritual_moves(ws, clock):
    ritual = _ritual(ws)  # Wednesdays from 25 November
    matrix = MatrixFactory(workspace=ws)
    services.occurrence_notes_save(ritual=ritual, day=date(2026, 11, 25), texts=["Taken today", ""])
    services.occurrence_decide(ritual=ritual, day=date(2026, 12, 2), matrix_id=matrix.pk, what="Ahead", actor=None)
    clock.move_to("2026-11-25 09:00Z")
    ritual = services.ritual_update(
        ritual=ritual, name="Pricing sync", cadence="weekly", starts_on=date(2026, 11, 26), agenda="Status, 5\nAsks"
    )  # Thursdays from now on
    coming, past = selectors.meetings_of(ritual=ritual, today=date(2026, 11, 25))
    assert [m.date for m in coming] == [
        date(2026, 11, 25),
        date(2026, 11, 26),
        date(2026, 12, 2),
        date(2026, 12, 3),
        date(2026, 12, 10),
        date(2026, 12, 17),
    ]
    assert coming[0].has_notes and coming[2].decision_count == 1
    coming, past = selectors.meetings_of(ritual=ritual, today=date(2026, 12, 5))
    assert [(m.date, m.has_notes, m.decision_count) for m in past] == [
        (date(2026, 12, 2), False, 1),
        (date(2026, 11, 25), True, 0),
    ]
    services.occurrence_notes_save(ritual=ritual, day=date(2026, 11, 25), texts=["Still editable", ""])


def test_the_loss_of_deleting_a_ritual_counts_meetings_with_notes_and_decisions(ws):
    ritual = _ritual(ws)
    matrix = MatrixFactory(workspace=ws)
    assert selectors.ritual_loss_of(ritual=ritual) == selectors.RitualLoss(0, 0)
    services.occurrence_notes_save(ritual=ritual, day=date(2026, 11, 25), texts=["Kept", ""])
    services.occurrence_notes_save(ritual=ritual, day=date(2026, 12, 2), texts=["", ""])  # saved empty: nothing lost
    for what in ("One", "Two"):
        services.occurrence_decide(ritual=ritual, day=date(2026, 12, 9), matrix_id=matrix.pk, what=what, actor=None)
    assert selectors.ritual_loss_of(ritual=ritual) == selectors.RitualLoss(1, 2)


def test_the_decision_log_is_the_rituals_matrix_else_the_workspaces_first(ws):
    ritual = _ritual(ws)
    assert selectors.decision_log_of(ritual=ritual) is None
    first, second = MatrixFactory(workspace=ws), MatrixFactory(workspace=ws)
    assert selectors.decision_log_of(ritual=ritual) == first
    ritual = _ritual(ws, name="Other", default_matrix_id=second.pk)
    assert selectors.decision_log_of(ritual=ritual) == second
