"""Every field that names a person, walked through Django's apps registry: each foreign key
(and many-to-many) to the user model or to a membership is handed over when a member leaves,
cleared, removed with them, or kept for a reason written here. A field added without a
verdict fails the walk; a verdict of handed over, cleared or removed is checked on a member
who is named by every field the product lets name them."""

from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import ForeignKey, ManyToManyField, OneToOneField

from launches import services as launch_services
from notifications.models import Notification
from raci.models import Decision
from tests.workspaces.test_member_handover import leaving  # noqa: F401
from workshops import services as workshop_services
from workshops.models import Workshop
from workspaces import handover
from workspaces import services as workspace_services
from workspaces.models import Membership

pytestmark = pytest.mark.django_db

HANDED_OVER, CLEARED, REMOVED, KEPT = "handed over", "cleared", "removed", "kept"

# field: (verdict, what it does when the person leaves a workspace)
PERSON_FIELDS = {
    "admin.LogEntry.user": (KEPT, "the site admin's own audit log, of no workspace"),
    "workspaces.Membership.user": (REMOVED, "the membership itself is what leaving deletes"),
    "workspaces.RoleHolder.membership": (HANDED_OVER, "each role held goes to its new holder, or nobody"),
    "workspaces.Invitation.invited_by": (KEPT, "who sent it: the invitation is the workspace's, any admin revokes it"),
    "workspaces.Invitation.accepted_by": (KEPT, "who joined by it: a record"),
    "workspaces.ClaimedDomain.claimed_by": (KEPT, "who claimed it: a record; any admin releases it"),
    "workspaces.SsoSignIn.user": (KEPT, "the person's own sign-in record, not the workspace's"),
    "notifications.Notification.user": (REMOVED, "their notifications of the workspace leave their list"),
    "notifications.Notification.actor": (KEPT, "who made the change told about: the recipient's record of it"),
    "notifications.NotificationPreference.user": (KEPT, "the person's own choices, for every workspace"),
    "notifications.NotificationSettings.user": (KEPT, "the person's own digest schedule, for every workspace"),
    "notifications.DigestRun.user": (KEPT, "the person's own digests sent, for every workspace"),
    "raci.Matrix.owner": (HANDED_OVER, "each matrix owned goes to its new owner"),
    "raci.ChangeEvent.actor": (KEPT, "the history says who changed what"),
    "raci.MatrixImport.created_by": (KEPT, "who uploaded it: a former member cannot reach it (404)"),
    "raci.Decision.decided_by": (
        KEPT,
        "the decision log says who decided; its review reminder reaches them only while a member "
        "(the matrix's owner, handed over, is always told)",
    ),
    "raci.Decision.created_by": (KEPT, "who wrote it in the log: a record"),
    "workshops.Workshop.facilitator": (
        HANDED_OVER,
        "an unfinished workshop goes to its new facilitator, or nobody (admins run it); a closed one keeps its record",
    ),
    "workshops.Workshop.participants": (REMOVED, "they no longer take part"),
    "workshops.Proposal.participant": (REMOVED, "their blind proposals go with their membership"),
    "workshops.Settlement.settled_by": (KEPT, "who settled a row into the matrix: a record"),
    "launches.Launch.pm_owner": (HANDED_OVER, "goes to the new PM owner"),
    "launches.Launch.pmm_owner": (HANDED_OVER, "goes to the new PMM owner"),
    "launches.Launch.tiered_by": (CLEARED, "set to nobody with the membership"),
    "launches.Launch.pm_confirmed_by": (CLEARED, "their confirmation is withdrawn: the new owner confirms"),
    "launches.Launch.pmm_confirmed_by": (CLEARED, "their confirmation is withdrawn: the new owner confirms"),
    "launches.ReadinessItem.owner": (HANDED_OVER, "open items go to their new owner; done ones are cleared"),
    "launches.GoDecision.decided_by": (KEPT, "who recorded go or no-go: a record"),
    "launches.CalendarFeed.made_by": (
        KEPT,
        "in a workspace requiring SSO the feed stops with its maker; removing an admin offers a new link",
    ),
    "launches.StatusUpdate.author": (CLEARED, "shown as someone"),
    "launches.Launch.driver": (CLEARED, "the launch waits for its owners to name who drives the phase"),
    "launches.Handover.from_member": (CLEARED, "the hand-over stays in the launch's relay, from nobody named"),
    "launches.Handover.to_member": (
        CLEARED,
        "the hand-over stays, to someone who left: a dropped baton if not accepted",
    ),
    "launches.Handover.created_by": (KEPT, "who recorded the hand-over: a record"),
    "launches.CheckpointAnswer.member": (
        CLEARED,
        "the answer stands for its side; who gave it stays in the decision log, which names them",
    ),
    "rituals.Ritual.attendee_members": (HANDED_OVER, "their seat goes to the new attendee"),
    "api.ApiToken.user": (
        KEPT,
        "the token is revoked as they leave and stays listed for admins; a token never works without its "
        "owner's membership",
    ),
    "api.ApiToken.revoked_by": (KEPT, "who revoked a token: a record"),
    "sharing.ShareLink.created_by": (
        KEPT,
        "who made the link, in the admins' list; leaving revokes their live links or gives them to someone who stays",
    ),
    "sharing.ShareLink.revoked_by": (KEPT, "who revoked a share link: a record"),
    "account.EmailAddress.user": (KEPT, "the person's own addresses, of no workspace"),
    "mfa.Authenticator.user": (KEPT, "the person's own two-factor sign-in, of no workspace"),
    "usersessions.UserSession.user": (KEPT, "the person's own sessions, of no workspace"),
    "socialaccount.SocialAccount.user": (KEPT, "the person's own link to an identity provider, of no workspace"),
    "accounts.SignInEvent.user": (KEPT, "the site's record of sign-ins, of no workspace, read by site admins"),
}


def person_fields() -> dict[str, object]:
    person_models = (get_user_model(), Membership)
    return {
        f"{model._meta.label}.{field.name}": field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, ForeignKey | OneToOneField | ManyToManyField) and field.related_model in person_models
    }


def test_every_field_naming_a_person_has_a_verdict():
    found = person_fields()
    missing = sorted(set(found) - set(PERSON_FIELDS))
    gone = sorted(set(PERSON_FIELDS) - set(found))
    assert not missing, f"Say what happens to these when a member leaves: {missing}"
    assert not gone, f"These fields no longer exist: {gone}"
    for name, (verdict, reason) in PERSON_FIELDS.items():
        assert verdict in (HANDED_OVER, CLEARED, REMOVED, KEPT) and reason, name


def _named_everywhere(world):
    """The leaving PM is also named by a decision, an open workshop, a status update and notifications."""
    pm, ws = world["pm"], world["ws"]
    Decision.objects.create(
        matrix=world["matrix"], what="PM owns pricing", decided_by=pm.user, created_by=pm.user, decided_on=date.today()
    )
    workshop_services.workshop_open(
        matrix=world["matrix"], facilitator=pm, title="Who owns launch", participant_ids=[world["people"]["PMM"].pk]
    )
    launch_services.status_update(launch=world["launch"], status="at_risk", note="Slipping", author=pm)
    Notification.objects.create(user=pm.user, workspace=ws, kind="item_due", key="k", title="Due")


def test_a_member_who_leaves_is_named_only_where_kept(client, leaving):  # noqa: F811
    _named_everywhere(leaving)
    pm, heir = leaving["pm"], leaving["people"]["editor"]
    found = person_fields()
    named_before = {
        name
        for name, field in found.items()
        if field.model._default_manager.filter(
            **{field.name: pm.user if field.related_model is not Membership else pm}
        ).exists()
    }
    keys = {h.key: heir.pk for h in handover.holdings_of(membership=pm)}
    assert any(k.startswith("workshop:") for k in keys)
    workspace_services.membership_remove(membership=pm, handover=keys, actor=leaving["people"]["admin"].user)
    for name, field in found.items():
        verdict = PERSON_FIELDS[name][0]
        if verdict == KEPT:
            continue
        value = pm.user if field.related_model is not Membership else pm.pk
        assert not field.model._default_manager.filter(**{field.name: value}).exists(), name
    # The walk saw the person in most of the fields it checks (the rest are covered by their own tests).
    assert {"raci.Matrix.owner", "workshops.Workshop.facilitator", "launches.Launch.pm_owner"} <= named_before
    assert Workshop.objects.get(title="Who owns launch").facilitator == heir.user
