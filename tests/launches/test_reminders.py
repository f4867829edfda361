"""Who hears about launches, and when: owners on status, tier and go/no-go; an item's owner
when it is assigned, due in 2 days and overdue. Time is frozen where it matters."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from core.errors import InvalidInput
from launches import services
from launches.models import ReadinessItem
from launches.reminders import readiness_reminders_tick, readiness_tick
from notifications.models import EmailMode, Notification, NotificationPreference
from tests.launches.conftest import make_launch, owners_matrix

pytestmark = pytest.mark.django_db


def kinds_for(member):
    return sorted(Notification.objects.filter(user=member.user).values_list("kind", flat=True))


def test_status_change_tells_both_owners_but_not_the_author(team, django_capture_on_commit_callbacks):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    with django_capture_on_commit_callbacks(execute=True):
        services.status_update(launch=launch, status="at_risk", note="Pricing page late", author=people["PM"])
    assert kinds_for(people["PMM"]) == ["launch_status"]
    assert kinds_for(people["PM"]) == []
    n = Notification.objects.get(user=people["PMM"].user)
    assert n.title == "Usage-based billing is at risk" and n.body == "Pricing page late"
    assert n.url.endswith(f"/{launch.pk}/")
    assert [m.to for m in mail.outbox] == [[people["PMM"].user.email]]
    assert "Pricing page late" in mail.outbox[0].body and "http://testserver/" in mail.outbox[0].body


def test_a_rolled_back_change_tells_nobody_and_queues_nothing(team, django_capture_on_commit_callbacks):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.status_update(launch=launch, status="at_risk", note="Late", author=people["admin"])
            raise RuntimeError("the request failed after the write")
    assert queued == [] and Notification.objects.count() == 0 and mail.outbox == []


def test_tiering_tells_the_owners_and_gives_each_new_item_to_its_owner(team, django_capture_on_commit_callbacks):
    ws, cycle, people = team
    owners_matrix(ws)
    launch = make_launch(cycle, people)
    with django_capture_on_commit_callbacks(execute=True):
        services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["admin"])
    assert "launch_tier" in kinds_for(people["PM"]) and "launch_tier" in kinds_for(people["PMM"])
    assigned = Notification.objects.filter(kind="item_assigned")
    owners = set(
        ReadinessItem.objects.filter(launch=launch, owner__isnull=False).values_list("owner__user_id", flat=True)
    )
    assert owners and set(assigned.values_list("user_id", flat=True)) == owners
    # One notification per person for all the items tiering gave them.
    assert assigned.count() == len(owners) and all(" yours" in n.title for n in assigned)


def test_go_no_go_tells_the_owners(team, django_capture_on_commit_callbacks):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    with django_capture_on_commit_callbacks(execute=True):
        services.go_record(launch=launch, decision="no_go", notes="Docs missing", actor=people["admin"].user)
    assert kinds_for(people["PM"]) == ["go_decision"] and kinds_for(people["PMM"]) == ["go_decision"]
    assert Notification.objects.filter(kind="go_decision").first().title == "No go for Usage-based billing"


def test_a_new_owner_hears_of_the_items_that_move_to_them(team, django_capture_on_commit_callbacks):
    ws, cycle, people = team
    owners_matrix(ws)
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["admin"])
    newcomer = people["editor"]
    with django_capture_on_commit_callbacks(execute=True):
        services.launch_update(
            launch=launch,
            name=launch.name,
            pm_owner_id=people["PM"].pk,
            pmm_owner_id=newcomer.pk,
            launch_date=launch.launch_date,
            actor=people["admin"].user,
        )
    moved = ReadinessItem.objects.filter(launch=launch, owner=newcomer)
    told = Notification.objects.get(user=newcomer.user, kind="item_assigned")
    assert moved.exists() and all(item.title in f"{told.title}\n{told.body}" for item in moved)


def _tiered(team, launch_date):
    ws, cycle, people = team
    owners_matrix(ws)
    launch = make_launch(cycle, people, launch_date=launch_date)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["admin"])
    Notification.objects.all().delete()
    return launch


def test_items_due_in_two_days_are_told_once_then_again_when_overdue(team):
    launch = _tiered(team, date(2027, 3, 15))
    item = launch.items.filter(owner__isnull=False, due_date__isnull=False).order_by("due_date").first()
    due = item.due_date
    mine = Notification.objects.filter(key__contains=f":{item.pk}:")

    def tick_on(day):
        with time_machine.travel(f"{day.isoformat()} 09:00Z", tick=False):
            readiness_reminders_tick.delay()

    tick_on(due - timedelta(days=3))
    assert not mine.exists()
    tick_on(due - timedelta(days=2))
    tick_on(due - timedelta(days=2))
    tick_on(due)  # "due today" is the reminder it already had
    assert list(mine.values_list("kind", "user_id")) == [("item_due", item.owner.user_id)]
    assert mine.get().title.startswith(f"{item.title} for {launch.name} is due on ")
    tick_on(due + timedelta(days=1))
    tick_on(due + timedelta(days=1))
    late = mine.filter(kind="item_overdue")
    assert late.count() == 1 and "overdue (1 day)" in late.get().title


def test_done_and_waived_items_are_not_chased(team):
    launch = _tiered(team, date(2027, 3, 15))
    for item in launch.items.all():
        item.status = ReadinessItem.Status.DONE if item.required else ReadinessItem.Status.WAIVED
        item.save()
    latest = max(i.due_date for i in launch.items.all() if i.due_date)
    assert readiness_tick(latest + timedelta(days=1)) == 0
    assert Notification.objects.count() == 0


def test_a_moved_launch_date_reminds_again_for_the_new_date(team):
    launch = _tiered(team, date(2027, 3, 15))
    item = launch.items.filter(owner__isnull=False).order_by("due_date").first()
    readiness_tick(item.due_date - timedelta(days=1))
    launch = services.launch_update(
        launch=launch,
        name=launch.name,
        pm_owner_id=launch.pm_owner_id,
        pmm_owner_id=launch.pmm_owner_id,
        launch_date=date(2027, 3, 29),
    )
    item.refresh_from_db()
    readiness_tick(item.due_date - timedelta(days=1))
    assert Notification.objects.filter(key__startswith=f"item_due:{item.pk}:").count() == 2


def test_an_owner_who_turned_email_off_is_told_in_the_app_only(team, django_capture_on_commit_callbacks):
    _, cycle, people = team
    NotificationPreference.objects.create(
        user=people["PMM"].user, kind="launch_status", in_app=True, email=EmailMode.OFF
    )
    NotificationPreference.objects.create(
        user=people["PM"].user, kind="launch_status", in_app=False, email=EmailMode.OFF
    )
    launch = make_launch(cycle, people)
    with django_capture_on_commit_callbacks(execute=True):
        services.status_update(launch=launch, status="paused", note="Waiting on legal", author=people["admin"])
    assert kinds_for(people["PMM"]) == ["launch_status"] and kinds_for(people["PM"]) == []
    assert mail.outbox == []


def test_giving_an_item_to_someone_tells_them_it_is_theirs(team, client, django_capture_on_commit_callbacks):
    from django.urls import reverse

    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["admin"])
    item = launch.items.get(key="pricing")
    client.force_login(people["admin"].user)
    url = reverse("launches:item_update", args=[cycle.workspace.slug, cycle.slug, launch.pk, item.pk])
    newcomer = people["editor"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"status": "in_progress", "owner": newcomer.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and f'<option value="{newcomer.pk}" selected>' in response.content.decode()
    assert kinds_for(newcomer) == ["item_assigned"]
    # Saving the status again, or from a form without the owner, tells nobody again.
    client.post(url, {"status": "done", "owner": newcomer.pk})
    client.post(url, {"status": "done"})
    item.refresh_from_db()
    assert item.owner == newcomer and kinds_for(newcomer) == ["item_assigned"]


def test_an_item_cannot_go_to_someone_outside_the_workspace(team, client):
    from django.urls import reverse

    from tests.factories import MembershipFactory

    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["admin"])
    item = launch.items.get(key="pricing")
    stranger = MembershipFactory()
    client.force_login(people["admin"].user)
    url = reverse("launches:item_update", args=[cycle.workspace.slug, cycle.slug, launch.pk, item.pk])
    response = client.post(url, {"status": "done", "owner": stranger.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "Pick a member of this workspace." in response.content.decode()
    item.refresh_from_db()
    assert item.status == "todo" and item.owner != stranger


def test_an_item_given_back_to_its_earlier_owner_is_news_again(team, django_capture_on_commit_callbacks):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["admin"])
    item = launch.items.get(key="pricing")
    first, second = people["editor"], people["SUP"]
    for owner in (first, second, first):
        services.item_update(
            launch=launch, item_id=item.pk, status="todo", owner_id=owner.pk, actor=people["admin"].user
        )
    told = Notification.objects.filter(user=first.user, kind="item_assigned")
    assert told.count() == 2 and told.first().url.endswith(f"#item-{item.pk}")


def test_a_viewer_cannot_be_given_an_item(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["admin"])
    item = launch.items.get(key="pricing")
    with pytest.raises(InvalidInput, match="is a viewer"):
        services.item_update(launch=launch, item_id=item.pk, status="todo", owner_id=people["viewer"].pk)
    item.refresh_from_db()
    assert item.owner_id != people["viewer"].pk


def test_the_day_before_a_ritual_its_owner_and_attendees_hear_when_and_the_agenda(team):
    from datetime import time

    from rituals.models import Occurrence, Ritual
    from rituals.reminders import rituals_soon_tick
    from workspaces.models import Role

    ws, _, people = team
    ws.time_zone = "Europe/Paris"
    ws.save()
    ritual = Ritual.objects.create(
        workspace=ws,
        name="Roadmap Review",
        cadence="monthly",
        starts_on=date(2026, 12, 1),
        time_of_day=time(10, 0),
        owner_role=Role.objects.get(workspace=ws, code="PM"),
        agenda=[{"title": "Status", "minutes": 5}, {"title": "Blockers", "minutes": 10}],
    )
    ritual.attendee_roles.set([Role.objects.get(workspace=ws, code="PMM")])
    ritual.attendee_members.set([people["editor"]])
    Occurrence.objects.create(ritual=ritual, date=date(2026, 12, 1))
    assert rituals_soon_tick(date(2026, 11, 29)) == 0
    assert rituals_soon_tick(date(2026, 11, 30)) == 1
    assert rituals_soon_tick(date(2026, 11, 30)) == 0
    told = Notification.objects.filter(kind="ritual_soon")
    assert set(told.values_list("user_id", flat=True)) == {people[k].user_id for k in ("PM", "PMM", "editor")}
    n = told.first()
    assert n.title == "Roadmap Review tomorrow, 10:00 Europe/Paris"
    assert "PM runs it." in n.body and "Status (5 min)" in n.body and n.url.endswith("/2026-12-01/")


def test_a_paused_ritual_reminds_nobody(team):
    from rituals.models import Occurrence, Ritual
    from rituals.reminders import rituals_soon_tick

    ws, _, people = team
    ritual = Ritual.objects.create(
        workspace=ws, name="Huddle", cadence="weekly", starts_on=date(2026, 12, 1), paused=True
    )
    ritual.attendee_members.set([people["editor"]])
    Occurrence.objects.create(ritual=ritual, date=date(2026, 12, 1))
    assert rituals_soon_tick(date(2026, 11, 30)) == 0


@pytest.mark.parametrize(
    ("zone", "utc_moment", "told"),
    [
        # 12:00 UTC on the 10th is already the 11th in Kiritimati (UTC+14): due on the 13th
        # is in 2 days there (in 3 by UTC's date).
        ("Pacific/Kiritimati", "2027-03-10 12:00Z", True),
        # 05:00 UTC on the 10th is still the 9th in Honolulu (UTC-10): due on the 12th is in
        # 3 days there (in 2 by UTC's date).
        ("Pacific/Honolulu", "2027-03-10 05:00Z", False),
    ],
)
def test_due_in_two_days_is_counted_in_the_workspaces_zone_not_utc(team, zone, utc_moment, told):
    ws, _, _ = team
    ws.time_zone = zone
    ws.save(update_fields=["time_zone"])
    launch = _tiered(team, date(2027, 3, 15))
    item = launch.items.filter(owner__isnull=False, due_date__isnull=False).order_by("due_date").first()
    launch.items.exclude(pk=item.pk).update(due_date=None)
    due = date(2027, 3, 13) if told else date(2027, 3, 12)
    ReadinessItem.objects.filter(pk=item.pk).update(due_date=due)
    with time_machine.travel(utc_moment, tick=False):
        readiness_reminders_tick.delay()
    assert Notification.objects.filter(key=f"item_due:{item.pk}:{due.isoformat()}").exists() is told
