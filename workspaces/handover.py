"""What a member holds in a workspace, and to whom it goes when they leave.

Every part of the product that points at a member (roles, matrices, launches, readiness
items, rituals) registers a `Provider`: it lists what the member holds as `Holding`s and,
given to whom each one goes, hands them over. The apps built on raci (launches) register
theirs in their `AppConfig.ready()`: raci never imports them, yet removing a member sees
everything they hold. `raci.services.membership_remove` is the one caller of `hand_over`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from workspaces.models import Membership, Workspace


@dataclass(frozen=True, slots=True)
class Holding:
    key: str  # "role:12": unique in the workspace; the handover dict's key
    group: str  # the heading it is listed under: "Roles held", "Launches owned", ...
    label: str
    detail: str = ""
    # It may go to nobody: a role that someone else holds too, or that nothing needs.
    nobody_ok: bool = False
    # Whoever takes it over must be able to act on it (tick an item done, confirm a tier).
    editors_only: bool = False


@dataclass(frozen=True)
class Provider:
    # What the member holds.
    holdings: Callable[[Membership], list[Holding]]
    # hand_over(membership=, to={key: Membership or None}, actor=): every key of its holdings is in `to`.
    hand_over: Callable[..., None]
    # What in this part of the product needs someone to hold each role: {role id: ["runs the ritual X"]}.
    role_uses: Callable[[Workspace, set[int]], dict[int, list[str]]] | None = None
    # What the removal changes beyond the hand-over, in a sentence each ("2 tier confirmations are withdrawn").
    notes: Callable[[Membership], list[str]] | None = None
    # What acts with each member's access and follows it when it changes (their API tokens):
    # {membership id: ["API token “CI sync” (write)"]}, listed beside them on the members page.
    access_bound: Callable[[Workspace], dict[int, list[str]]] | None = None


_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def providers() -> tuple[Provider, ...]:
    return tuple(_providers)


def holdings_of(*, membership: Membership) -> list[Holding]:
    return [h for p in _providers for h in p.holdings(membership)]


def notes_of(*, membership: Membership) -> list[str]:
    return [n for p in _providers if p.notes for n in p.notes(membership)]


def access_bound_of(*, workspace: Workspace) -> dict[int, list[str]]:
    """Per member, what acts with their access, from every part of the product."""
    bound: dict[int, list[str]] = {}
    for p in _providers:
        if p.access_bound:
            for membership_id, things in p.access_bound(workspace).items():
                bound.setdefault(membership_id, []).extend(things)
    return bound


@dataclass(frozen=True)
class Secret:
    """A secret of the workspace that its admins can read (the calendar feed's link, the
    webhook's signing secret): removing an admin offers to replace it, and the settings page
    replaces it at any time."""

    key: str  # "feed": unique; the settings URL and the removal form name it
    label: str  # "The calendar feed's link"
    # What replacing it does, in a sentence.
    effect: str
    exists: Callable[[Workspace], bool]
    # rotate(workspace=, actor=): a new one; the old one stops (or rolls over, as the secret's
    # owner says). `actor` is who asked (None for the system).
    rotate: Callable[..., None]


_secrets: list[Secret] = []


def register_secret(secret: Secret) -> None:
    if all(s.key != secret.key for s in _secrets):
        _secrets.append(secret)


def secrets_of(*, workspace: Workspace) -> list[Secret]:
    """The workspace's secrets that exist now, in the order they registered."""
    return [s for s in _secrets if s.exists(workspace)]


def secret_rotate(*, workspace: Workspace, key: str, actor=None) -> Secret | None:
    """Replace the workspace's secret `key`; None when it has no such secret."""
    secret = next((s for s in secrets_of(workspace=workspace) if s.key == key), None)
    if secret is not None:
        secret.rotate(workspace=workspace, actor=actor)
    return secret


def role_uses(*, workspace: Workspace, role_ids: Iterable[int]) -> dict[int, list[str]]:
    """Why each role needs a holder, from every part of the product; roles nothing needs are absent."""
    ids = set(role_ids)
    uses: dict[int, list[str]] = {}
    if ids:
        for p in _providers:
            if p.role_uses:
                for role_id, reasons in p.role_uses(workspace, ids).items():
                    uses.setdefault(role_id, []).extend(reasons)
    return uses
