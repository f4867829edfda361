"""A workspace's sign-in rules and what an SSO sign-in does to memberships.

Admins set the rules on the settings page: the e-mail domains the workspace claims (only
an admin whose own confirmed address is at a domain claims it), the access people joining
from a claimed domain get, the identity-provider groups mapped to access and roles,
"require SSO" and "require two-factor for password sign-in". `sign_in_apply` runs at every
SSO sign-in and applies the rules of `workspaces.claims` to each workspace that claims the
person's domain; `SsoSignIn` records when, for the revalidation of tokens and feeds.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core import push
from core.errors import Conflict, InvalidInput, NotFound
from core.links import absolute
from workspaces import claims, signals
from workspaces.claims import Action, Outcome, Policy, Rule, Standing
from workspaces.models import (
    DOMAIN_MAX,
    GROUP_MAX,
    Access,
    ClaimedDomain,
    DomainAccess,
    GroupMapping,
    Membership,
    Role,
    RoleHolder,
    SsoSignIn,
    Workspace,
)

log = logging.getLogger(__name__)

DOMAINS_MAX = 20
MAPPINGS_MAX = 200
# Anyone can have an address at these: claiming one would let strangers in.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
        "protonmail.com", "pm.me", "gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com",
        "yandex.com", "yandex.ru", "mail.ru", "qq.com", "163.com", "126.com", "zoho.com",
        "fastmail.com", "hey.com", "tutanota.com", "example.com", "example.org", "example.net",
    }
)  # fmt: skip


# --- reads ---------------------------------------------------------------------------------


def confirmed_addresses(user) -> set[str]:
    """The addresses the person has proved are theirs, lower-cased."""
    addresses = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {address.lower() for address in addresses}


def domains_of(*, workspace: Workspace) -> list[ClaimedDomain]:
    return list(ClaimedDomain.objects.filter(workspace=workspace).select_related("claimed_by"))


def mappings_of(*, workspace: Workspace) -> list[GroupMapping]:
    return list(GroupMapping.objects.filter(workspace=workspace).prefetch_related("roles"))


def sso_fresh_since() -> datetime:
    """The oldest SSO sign-in that still vouches for a person's tokens and feeds."""
    return timezone.now() - timedelta(days=settings.SSO_REVALIDATE_DAYS)


def sso_vouches(*, user, at: datetime | None) -> bool:
    """In a workspace that requires SSO: may this person's token or feed act, given their
    last SSO sign-in `at`? Site admins always may (break-glass)."""
    if user.is_superuser:
        return True
    return at is not None and at >= sso_fresh_since()


def feed_refusal(*, workspace: Workspace, maker) -> str:
    """Why the calendar feed made by `maker` is refused ("" when it is not): its maker is
    suspended, or, in a workspace that requires single sign-on, the maker is no longer a
    member or their last SSO sign-in is too old to vouch for them."""
    # [] not a member, [None] a member, [when] suspended since then.
    standing = (
        list(Membership.objects.filter(workspace=workspace, user=maker).values_list("suspended_at", flat=True))
        if maker is not None
        else []
    )
    if standing and standing[0] is not None:
        return f"The admin who made this feed's link is suspended in {workspace.name}: ask an admin for a new link."
    if not workspace.require_sso:
        return ""
    if not standing or not maker.is_active:
        return (
            f"{workspace.name} requires single sign-on: its feed works for the admin who made its link. "
            "Ask an admin to replace the link."
        )
    at = SsoSignIn.objects.filter(user=maker).values_list("at", flat=True).first()
    if not sso_vouches(user=maker, at=at):
        return (
            f"{workspace.name} requires single sign-on: this feed works for {settings.SSO_REVALIDATE_DAYS} days "
            "after its maker's last SSO sign-in. They sign in with single sign-on, and it works again."
        )
    return ""


# --- the rules, set by admins ----------------------------------------------------------------


def clean_domain(value: str) -> str:
    """A domain as it is stored: lower case, IDNA (punycode) for non-ASCII, no trailing dot."""
    text = (value or "").strip().lower().removeprefix("@").rstrip(".")
    if not text:
        raise InvalidInput("Give a domain, such as example.com.", "domain")
    if len(text) > DOMAIN_MAX or "\x00" in text:
        raise InvalidInput(f"A domain has at most {DOMAIN_MAX} characters.", "domain")
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidInput(f"“{text[:80]}” is not a domain.", "domain") from None
    labels = text.split(".")
    if len(labels) < 2 or not all(
        0 < len(label) <= 63 and all(c.isalnum() or c == "-" for c in label) and label[0] != "-" and label[-1] != "-"
        for label in labels
    ):
        raise InvalidInput(f"“{text[:80]}” is not a domain: give one such as example.com.", "domain")
    return text


@transaction.atomic
def domain_claim(*, workspace: Workspace, domain: str, actor) -> ClaimedDomain:
    """Claim a domain for the workspace: the actor, an admin, must have a confirmed address at it."""
    domain = clean_domain(domain)
    if not Membership.objects.filter(workspace=workspace, user=actor, access=Access.ADMIN).exists():
        raise NotFound("No such workspace.")
    if domain in PUBLIC_MAIL_DOMAINS:
        raise InvalidInput(f"Anyone can have an address at {domain}: claim your company's own domain.", "domain")
    if not any(claims.domain_of(address) == domain for address in confirmed_addresses(actor)):
        raise InvalidInput(
            f"You can claim {domain} only with a confirmed address of your own at it: add and confirm one "
            "on your account page first.",
            "domain",
        )
    if ClaimedDomain.objects.filter(workspace=workspace).count() >= DOMAINS_MAX:
        raise InvalidInput(f"A workspace claims at most {DOMAINS_MAX} domains.", "domain")
    try:
        with transaction.atomic():
            return ClaimedDomain.objects.create(workspace=workspace, domain=domain, claimed_by=actor)
    except IntegrityError:
        raise InvalidInput(f"The workspace has claimed {domain} already.", "domain") from None


@transaction.atomic
def domain_release(*, workspace: Workspace, domain_id: int) -> str:
    found = ClaimedDomain.objects.filter(workspace=workspace, pk=domain_id).first()
    if found is None:
        raise NotFound("That domain is no longer claimed.")
    found.delete()
    return found.domain


@transaction.atomic
def sign_in_rules_set(
    *, workspace: Workspace, require_sso: bool, require_two_factor: bool, domain_access: str, actor, via_sso: bool
) -> Workspace:
    """Set the workspace's sign-in rules. Turning "require SSO" on is refused to an admin who
    is not signed in by SSO themselves (they would shut themselves out), site admins aside."""
    if domain_access not in DomainAccess.values:
        raise InvalidInput("Pick what people from a claimed domain get: off, viewer or editor.", "domain_access")
    locked = Workspace.objects.select_for_update().get(pk=workspace.pk)
    if require_sso and not locked.require_sso and not via_sso and not actor.is_superuser:
        raise InvalidInput(
            "Sign in with single sign-on first: turning this on refuses password sessions, yours too.",
            "require_sso",
        )
    workspace.require_sso, workspace.require_two_factor = bool(require_sso), bool(require_two_factor)
    workspace.domain_access = domain_access
    workspace.save(update_fields=["require_sso", "require_two_factor", "domain_access"])
    return workspace


@transaction.atomic
def group_mapping_add(*, workspace: Workspace, group: str, access: str, role_ids: list[int]) -> GroupMapping:
    """Map an identity-provider group (a name, or Entra ID's object id) to access and roles."""
    group = " ".join((group or "").split())
    if not group:
        raise InvalidInput("Give the group's name as the identity provider sends it.", "group")
    if len(group) > GROUP_MAX or "\x00" in group:
        raise InvalidInput(f"A group's name has at most {GROUP_MAX} characters.", "group")
    if access not in Access.values:
        raise InvalidInput("Pick an access level: viewer, editor or admin.", "access")
    if GroupMapping.objects.filter(workspace=workspace).count() >= MAPPINGS_MAX:
        raise InvalidInput(f"A workspace maps at most {MAPPINGS_MAX} groups.", "group")
    roles = list(Role.objects.filter(workspace=workspace, pk__in=role_ids))
    if len(roles) != len(set(role_ids)):
        raise InvalidInput("Pick roles of this workspace.", "roles")
    if GroupMapping.objects.filter(workspace=workspace, group__iexact=group).exists():
        raise InvalidInput(f"The group “{group}” is mapped already: remove it first to change it.", "group")
    try:
        with transaction.atomic():
            mapping = GroupMapping.objects.create(workspace=workspace, group=group, access=access)
    except IntegrityError:
        raise Conflict(f"Someone mapped “{group}” at the same moment.") from None
    mapping.roles.set(roles)
    return mapping


@transaction.atomic
def group_mapping_remove(*, workspace: Workspace, mapping_id: int) -> str:
    found = GroupMapping.objects.filter(workspace=workspace, pk=mapping_id).first()
    if found is None:
        raise NotFound("That group is no longer mapped.")
    found.delete()
    return found.group


# --- an SSO sign-in ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """What one SSO sign-in did in one workspace (said to the person, and to admins)."""

    workspace: Workspace
    outcome: Outcome
    changed: bool


def _policies(domain: str) -> list[Policy]:
    workspace_ids = list(ClaimedDomain.objects.filter(domain=domain).values_list("workspace_id", flat=True))
    rules: dict[int, list[Rule]] = {w: [] for w in workspace_ids}
    for mapping in GroupMapping.objects.filter(workspace_id__in=workspace_ids).prefetch_related("roles"):
        rules[mapping.workspace_id].append(
            Rule(mapping.group, mapping.access, frozenset(r.pk for r in mapping.roles.all()))
        )
    access = dict(Workspace.objects.filter(pk__in=workspace_ids).values_list("pk", "domain_access"))
    return [Policy(w, frozenset({domain}), access[w], tuple(rules[w])) for w in workspace_ids]


@transaction.atomic
def sign_in_apply(
    *, user, address: str, address_verified: bool, claim_values: dict, provider: str = ""
) -> list[Applied]:
    """Apply an SSO sign-in's claims to the person's memberships and record the sign-in.

    `address` counts only when the identity provider says it is verified. Each workspace that
    claims its domain applies `workspaces.claims.outcome`; the rest are untouched."""
    now = timezone.now()
    SsoSignIn.objects.update_or_create(user=user, defaults={"at": now, "provider": provider[:200]})
    domain = claims.domain_of(address) if address_verified else ""
    if not domain:
        return []
    groups = claims.groups_of(claim_values, settings.SSO_OIDC_GROUPS_CLAIM)
    done: list[Applied] = []
    for policy in _policies(domain):
        workspace = Workspace.objects.select_for_update().get(pk=policy.workspace_id)
        member = Membership.objects.select_for_update().filter(workspace=workspace, user=user).first()
        standing = None
        if member is not None:
            others = Membership.objects.filter(workspace=workspace, access=Access.ADMIN, suspended_at__isnull=True)
            standing = Standing(member.access, member.suspended_at is not None, others.exclude(pk=member.pk).exists())
        result = claims.outcome(policy=policy, standing=standing, address=address, groups=groups)
        changed = _carry_out(workspace, member, user, result, now)
        done.append(Applied(workspace, result, changed))
        if result.action == Action.SUSPEND and changed and member is not None:
            transaction.on_commit(functools.partial(_tell_admins_suspended, workspace, member))
        elif result.action == Action.KEEP_LAST_ADMIN:
            transaction.on_commit(functools.partial(_tell_site_admins, workspace, user))
    return done


def _carry_out(workspace: Workspace, member: Membership | None, user, result: Outcome, now) -> bool:
    if result.action == Action.NONE:
        return False
    if result.action == Action.SUSPEND:
        assert member is not None
        member.suspended_at = now
        member.save(update_fields=["suspended_at"])
        # Their open pages stop receiving changes now, not at their next request.
        push.access_changed(person_id=member.user_id, workspace_id=workspace.pk)
        return True
    if result.action == Action.JOIN:
        member = Membership.objects.create(workspace=workspace, user=user, access=result.access)
        changed = True
    else:
        assert member is not None
        changed = member.access != result.access or member.suspended_at is not None
        member.access, member.suspended_at = result.access, None
        if changed:
            member.save(update_fields=["access", "suspended_at"])
            push.access_changed(person_id=member.user_id, workspace_id=workspace.pk)
    if result.role_ids:
        held = set(RoleHolder.objects.filter(membership=member).values_list("role_id", flat=True))
        fresh = sorted(result.role_ids - held)
        RoleHolder.objects.bulk_create([RoleHolder(role_id=r, membership=member) for r in fresh])
        if fresh:
            signals.holders_changed.send(sender=Role, role_ids=fresh, actor=user)
            changed = True
    return changed


def _send(to: list[str], subject: str, template: str, context: dict) -> None:
    if not to:
        return
    try:
        send_mail(subject=subject, message=render_to_string(template, context), from_email=None, recipient_list=to)
    except Exception:  # a refusing mail server must not undo a sign-in
        log.exception("Could not send %s", template)


def _tell_admins_suspended(workspace: Workspace, member: Membership) -> None:
    admins = Membership.objects.filter(workspace=workspace, access=Access.ADMIN, suspended_at__isnull=True)
    _send(
        list(admins.exclude(user__email="").values_list("user__email", flat=True)),
        f"{member.display_name} is suspended in {workspace.name}",
        "workspaces/email/member_suspended.txt",
        {
            "workspace": workspace,
            "member": member,
            "link": absolute(reverse("workspaces:member_remove", args=[workspace.slug, member.pk])),
        },
    )


def _tell_site_admins(workspace: Workspace, user) -> None:
    site_admins = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email="")
    _send(
        list(site_admins.values_list("email", flat=True)),
        f"The last admin of {workspace.name} left the mapped groups",
        "workspaces/email/last_admin_kept.txt",
        {
            "workspace": workspace,
            "user": user,
            "link": absolute(reverse("workspaces:members", args=[workspace.slug])),
        },
    )


def suspended_count(*, workspace: Workspace) -> int:
    return Membership.objects.filter(workspace=workspace).filter(~Q(suspended_at=None)).count()
