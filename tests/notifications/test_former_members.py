"""People who left stop hearing: every tick, reminder, e-mail and digest checks who is a
member of the workspace when it tells or sends, and a removed member's notifications of the
workspace leave their list."""

from datetime import date

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications import mailing, notify, selectors
from notifications.models import EmailMode, Notification
from raci.models import Decision, Matrix
from raci.reminders import reviews_tick
from tests.factories import MembershipFactory, build_matrix
from workspaces import services as workspace_services
from workspaces.models import Access, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(db):
    """A decision due for review on 1 Dec 2026, made by `decider`; the matrix owned by `owner`."""
    admin = MembershipFactory(access=Access.ADMIN)
    ws = admin.workspace
    matrix, _, _ = build_matrix(ws, activities=1, roles=1)
    decider, owner = MembershipFactory(workspace=ws), MembershipFactory(workspace=ws)
    Matrix.objects.filter(pk=matrix.pk).update(owner=owner.user)
    Decision.objects.create(
        matrix=matrix,
        what="PMM owns naming",
        why="Secret pricing reasons",
        decided_by=decider.user,
        decided_on=date(2026, 9, 1),
        review_on=date(2026, 12, 1),
    )
    return admin, decider, owner


def note(membership, n, **fields):
    return Notification.objects.create(
        user=membership.user,
        workspace=membership.workspace,
        kind="item_due",
        key=f"k:{membership.pk}:{n}",
        title=f"Item {n} of {membership.workspace.name}",
        **fields,
    )


def test_a_removed_decider_is_not_told_of_the_decisions_review(decided, django_capture_on_commit_callbacks):
    admin, decider, owner = decided
    workspace_services.membership_remove(membership=decider, handover={}, actor=admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert reviews_tick(date(2026, 12, 1)) == 1
    told = Notification.objects.filter(kind="decision_review")
    assert list(told.values_list("user_id", flat=True)) == [owner.user_id]
    assert [m.to for m in mail.outbox] == [[owner.user.email]]


def test_someone_whose_account_is_switched_off_is_not_told(decided):
    admin, decider, owner = decided
    type(decider.user).objects.filter(pk=decider.user_id).update(is_active=False)
    reviews_tick(date(2026, 12, 1))
    assert list(Notification.objects.values_list("user_id", flat=True)) == [owner.user_id]


def test_an_event_tells_only_members_of_its_workspace(decided):
    admin, decider, owner = decided
    stranger = MembershipFactory()  # a member elsewhere
    event = notify.Event(
        workspace_id=admin.workspace_id, workspace_slug=admin.workspace.slug, kind="item_due", key="x:1", title="Due"
    )
    with transaction.atomic():
        notify.emit(event, recipients={stranger.user_id, decider.user_id})
    assert list(Notification.objects.values_list("user_id", flat=True)) == [decider.user_id]


def test_an_e_mail_stored_before_someone_left_is_not_sent_after(decided):
    admin, decider, owner = decided
    waiting = note(decider, 1, email=EmailMode.NOW)
    Membership.objects.filter(pk=decider.pk).delete()  # left by any way, hand-over or not
    assert mailing.email_notification(waiting.pk) is False
    assert mail.outbox == []


def test_a_digest_leaves_out_the_workspaces_someone_left(decided):
    admin, decider, owner = decided
    elsewhere = MembershipFactory(user=decider.user)
    note(decider, 1, email=EmailMode.DIGEST)
    kept = note(elsewhere, 2, email=EmailMode.DIGEST)
    Membership.objects.filter(pk=decider.pk).delete()
    assert mailing.send_digest(decider.user_id, "daily:2026-12-01") == 1
    body = mail.outbox[0].body
    assert kept.title in body and "Item 1" not in body
    Membership.objects.filter(pk=elsewhere.pk).delete()
    assert mailing.digests_due(timezone.now()) == []


def test_a_removed_members_notifications_of_the_workspace_leave_their_list(decided, client):
    admin, decider, owner = decided
    elsewhere = MembershipFactory(user=decider.user)
    for n in range(24):
        note(decider, n)
    kept = note(elsewhere, 99)
    workspace_services.membership_remove(membership=decider, handover={}, actor=admin.user)
    assert list(Notification.objects.filter(user=decider.user)) == [kept]
    client.force_login(decider.user)
    page = client.get(reverse("notifications:notifications")).content.decode()
    assert "Item 99" in page and f"of {admin.workspace.name}" not in page
    assert selectors.unread_count(user=decider.user) == 1


def test_the_list_and_the_bell_show_nothing_of_a_workspace_left_by_any_way(decided, client):
    admin, decider, owner = decided
    for n in range(3):
        note(decider, n)
    Membership.objects.filter(pk=decider.pk).delete()
    client.force_login(decider.user)
    page = client.get(reverse("notifications:notifications")).content.decode()
    assert "Item 0" not in page
    assert selectors.unread_count(user=decider.user) == 0


def test_a_suspended_member_is_not_told_and_their_list_leaves_the_workspace(
    decided, django_capture_on_commit_callbacks
):
    admin, decider, owner = decided
    note(decider, 1)
    Membership.objects.filter(pk=decider.pk).update(suspended_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        reviews_tick(date(2026, 12, 1))
    assert list(Notification.objects.filter(kind="decision_review").values_list("user_id", flat=True)) == [
        owner.user_id
    ]
    assert selectors.unread_count(user=decider.user) == 0
