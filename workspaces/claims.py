"""What one SSO sign-in does to a person's place in one workspace: plain Python, no ORM.

The identity provider's claims are trusted in a workspace only for people whose confirmed
address is at one of the domains the workspace claimed (an admin at that domain claimed
it): a group called "admins" at some other company's provider means nothing here.

For such a person, at every SSO sign-in:
- the groups claim is read again. With the workspace's group mapping, a member in a mapped
  group gets the highest access those groups map to (up or down) and the roles they map
  to; a member in none is suspended (never removed), except the workspace's last admin,
  who stays (the site's admins are told). Someone not yet a member joins at the mapped
  access;
- a sign-in without a groups claim at all changes no member: Google sends none, and Entra
  sends a placeholder instead of the list past 200 groups (`groups_of` reads both as no
  claim). Nor does a claim that is not a list of names;
- with no group mapping, a person not yet a member joins at the workspace's domain access
  (unless it is off); members are left as they are.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from workspaces.models import GROUP_MAX, Access, DomainAccess

_RANK: dict[str, int] = {Access.VIEWER: 0, Access.EDITOR: 1, Access.ADMIN: 2}
# More names than this in one claim is not a list of groups we act on.
GROUPS_MAX = 2000


def group_key(name: str) -> str:
    """How a group name is compared: NFKC, case-folded, spaces trimmed."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def groups_of(claims: Mapping, claim: str) -> frozenset[str] | None:
    """The group names a sign-in carries, or None when it carries no usable groups claim.

    Entra ID leaves the claim out past 200 groups (150 in a SAML token) and names it in
    `_claim_names` instead (the "overage" placeholder), or sends `hasgroups`: both mean "we
    did not say", never "no groups"."""
    names = claims.get("_claim_names")
    if isinstance(names, Mapping) and claim in names:
        return None
    if claims.get("hasgroups") in (True, "true") and claim not in claims:
        return None
    raw = claims.get(claim)
    if isinstance(raw, str):
        raw = [raw]  # Keycloak and some others send a lone group as a string
    if not isinstance(raw, list | tuple) or len(raw) > GROUPS_MAX:
        return None
    found = set()
    for item in raw:
        if not isinstance(item, str):
            return None
        key = group_key(item)
        if key and len(key) <= GROUP_MAX and "\x00" not in key:
            found.add(key)
    return frozenset(found)


def domain_of(address: str) -> str:
    _, at, domain = (address or "").rpartition("@")
    return domain.strip().lower().rstrip(".") if at else ""


@dataclass(frozen=True)
class Rule:
    group: str
    access: str
    role_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Policy:
    """A workspace's sign-in rules as a sign-in needs them."""

    workspace_id: int
    domains: frozenset[str]
    domain_access: str = DomainAccess.OFF
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class Standing:
    """The person's membership now: access, whether suspended, and whether anyone else
    is an admin who is not suspended."""

    access: str
    suspended: bool = False
    other_admins: bool = True


class Action(enum.StrEnum):
    NONE = "none"  # nothing changes
    JOIN = "join"  # becomes a member at `access`, holding `role_ids`
    SET = "set"  # member at `access` (lifting a suspension), holding `role_ids` as well
    SUSPEND = "suspend"
    KEEP_LAST_ADMIN = "keep_last_admin"  # would be demoted or suspended; stays an admin


@dataclass(frozen=True)
class Outcome:
    action: Action
    access: str = ""
    role_ids: frozenset[int] = field(default_factory=frozenset)
    why: str = ""


def outcome(*, policy: Policy, standing: Standing | None, address: str, groups: frozenset[str] | None) -> Outcome:
    """What this sign-in does in this workspace (see the module's docstring)."""
    if not address or domain_of(address) not in policy.domains:
        return Outcome(Action.NONE, why="address not at a claimed domain")
    if groups is None or not policy.rules:
        if standing is None and policy.domain_access != DomainAccess.OFF:
            return Outcome(Action.JOIN, access=str(policy.domain_access), why="claimed domain")
        return Outcome(Action.NONE, why="no groups claim" if groups is None else "no group mapping")
    matched = [rule for rule in policy.rules if group_key(rule.group) in groups]
    if not matched:
        if standing is None or standing.suspended:
            return Outcome(Action.NONE, why="no mapped group")
        if standing.access == Access.ADMIN and not standing.other_admins:
            return Outcome(Action.KEEP_LAST_ADMIN, access=Access.ADMIN, why="no mapped group")
        return Outcome(Action.SUSPEND, why="no mapped group")
    access = max((rule.access for rule in matched), key=_RANK.__getitem__)
    roles = frozenset().union(*(rule.role_ids for rule in matched))
    if standing is None:
        return Outcome(Action.JOIN, access=access, role_ids=roles, why="mapped group")
    if standing.access == Access.ADMIN and access != Access.ADMIN and not standing.other_admins:
        return Outcome(Action.KEEP_LAST_ADMIN, access=Access.ADMIN, role_ids=roles, why="mapped group")
    return Outcome(Action.SET, access=access, role_ids=roles, why="mapped group")


def mapped_groups(rules: Iterable[Rule], groups: frozenset[str] | None) -> list[str]:
    """The rules' groups this sign-in carries, as the rules spell them (for messages)."""
    return [rule.group for rule in rules if groups and group_key(rule.group) in groups]
