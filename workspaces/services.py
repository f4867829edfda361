"""Writes for workspaces, members and roles."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from zoneinfo import available_timezones

from django.db import transaction
from django.db.models import Q

from core import push
from core.errors import Conflict, InvalidInput, NotFound
from core.text import NAME_MAX, clean_code, clean_name, unique_slug
from workspaces import handover as registry
from workspaces import signals, workload
from workspaces.models import Access, Membership, Role, RoleHolder, Workspace

# Words the URLs use where a workspace slug goes (`/w/new/`).
RESERVED_WORKSPACE_SLUGS = frozenset({"new"})


def _check_role_unique(workspace: Workspace, code: str, name: str, exclude: int | None = None) -> None:
    others = Role.objects.filter(workspace=workspace)
    if exclude:
        others = others.exclude(pk=exclude)
    if others.filter(code__iexact=code).exists():
        raise InvalidInput(f"The workspace already has a role with the code {code}.", "code")
    if others.filter(name__iexact=name).exists():
        raise InvalidInput(f"The workspace already has a role named “{name}”.", "name")


@transaction.atomic
def role_create(*, workspace: Workspace, name: str, code: str, description: str = "") -> Role:
    name, code = clean_name(name, "role"), clean_code(code)
    _check_role_unique(workspace, code, name)
    return Role.objects.create(workspace=workspace, name=name, code=code, description=description.strip()[:2000])


@transaction.atomic
def role_ensure(*, workspace: Workspace, code: str, name: str, description: str = "") -> Role:
    """The workspace's role with this code (any case), created when it has none. A new role
    takes `name`, or "<name> (<code>)" when another role has that name already. One query
    when the role exists, two when it is created (the usual case)."""
    code = clean_code(code)
    name = " ".join((name or "").split())[:NAME_MAX] or code
    suffixed = f"{name[: NAME_MAX - len(code) - 3]} ({code})"
    found = list(
        Role.objects.filter(workspace=workspace).filter(
            Q(code__iexact=code) | Q(name__iexact=name) | Q(name__iexact=suffixed)
        )
    )
    for role in found:
        if role.code.upper() == code:
            return role
    taken = {role.name.casefold() for role in found}
    candidates = [name, suffixed]
    candidates += [f"{name[: NAME_MAX - len(code) - 8]} ({code} {n})" for n in range(2, 100)]
    for candidate in candidates:
        if candidate.casefold() in taken:
            continue
        if (
            candidate in (name, suffixed)
            or not Role.objects.filter(workspace=workspace, name__iexact=candidate).exists()
        ):
            return Role.objects.create(
                workspace=workspace, code=code, name=candidate, description=(description or "").strip()[:2000]
            )
    raise Conflict(f"No free name for a new role {code}: rename the roles named “{name}”.")


@transaction.atomic
def role_update(
    *,
    workspace: Workspace,
    role_id: int,
    name: str,
    code: str,
    description: str,
    actor=None,
    expected_version: int | None = None,
) -> Role:
    role = Role.objects.select_for_update().filter(workspace=workspace, pk=role_id).first()
    if role is None:
        raise NotFound("That role no longer exists.")
    if expected_version is not None and expected_version != role.version:
        raise Conflict(
            f"Someone changed this role while you were editing it: it is now {role.code} "
            f"(“{role.name}”). Your change was not saved; edit it again."
        )
    name, code = clean_name(name, "role"), clean_code(code)
    _check_role_unique(workspace, code, name, exclude=role.pk)
    before = {"name": role.name, "code": role.code, "description": role.description}
    role.name, role.code, role.description = name, code, description.strip()[:2000]
    role.version += 1
    role.save()
    after = {"name": role.name, "code": role.code, "description": role.description}
    if before != after:
        signals.role_updated.send(sender=Role, role=role, before=before, after=after, actor=actor)
    return role


@transaction.atomic
def role_delete(*, workspace: Workspace, role_id: int) -> None:
    role = Role.objects.filter(workspace=workspace, pk=role_id).first()
    if role is None:
        raise NotFound("That role no longer exists.")
    signals.role_deleting.send(sender=Role, role=role)
    role.delete()


@transaction.atomic
def role_holders_set(*, workspace: Workspace, role_id: int, membership_ids: list[int], actor=None) -> None:
    role = Role.objects.filter(workspace=workspace, pk=role_id).first()
    if role is None:
        raise NotFound("That role no longer exists.")
    wanted = set(Membership.objects.filter(workspace=workspace, pk__in=membership_ids).values_list("pk", flat=True))
    RoleHolder.objects.filter(role=role).exclude(membership_id__in=wanted).delete()
    have = set(RoleHolder.objects.filter(role=role).values_list("membership_id", flat=True))
    RoleHolder.objects.bulk_create([RoleHolder(role=role, membership_id=m) for m in wanted - have])
    signals.holders_changed.send(sender=Role, role_ids=[role.pk], actor=actor)


@transaction.atomic
def role_holder_add(*, workspace: Workspace, role_id: int, membership_id: int, actor=None) -> Membership:
    """One more person holds the role (the others keep it): the one-step "who holds this?"
    wherever a role nobody holds is shown."""
    role = Role.objects.filter(workspace=workspace, pk=role_id).first()
    if role is None:
        raise NotFound("That role no longer exists.")
    member = Membership.objects.filter(workspace=workspace, pk=membership_id).select_related("user").first()
    if member is None:
        raise InvalidInput("Pick a member of this workspace.", "holder")
    _, created = RoleHolder.objects.get_or_create(role=role, membership=member)
    if created:
        signals.holders_changed.send(sender=Role, role_ids=[role.pk], actor=actor)
    return member


@transaction.atomic
def role_holders_add(*, workspace: Workspace, chosen: dict[int, int], actor=None) -> int:
    """Each role (id) gets one more holder (membership id), the others keeping it: naming
    who holds a new matrix's roles. Ids outside the workspace are ignored. Returns how many
    roles got a new holder."""
    roles = set(Role.objects.filter(workspace=workspace, pk__in=chosen).values_list("pk", flat=True))
    members = set(
        Membership.objects.filter(workspace=workspace, pk__in=set(chosen.values())).values_list("pk", flat=True)
    )
    wanted = {(r, m) for r, m in chosen.items() if r in roles and m in members}
    have = set(
        RoleHolder.objects.filter(role_id__in=roles, membership_id__in=members).values_list("role_id", "membership_id")
    )
    fresh = wanted - have
    RoleHolder.objects.bulk_create([RoleHolder(role_id=r, membership_id=m) for r, m in sorted(fresh)])
    if fresh:
        signals.holders_changed.send(sender=Role, role_ids=sorted({r for r, _ in fresh}), actor=actor)
    return len(fresh)


@transaction.atomic
def workspace_create(*, name: str, owner) -> Workspace:
    name = clean_name(name, "workspace")
    workspace = Workspace.objects.create(
        name=name, slug=unique_slug(Workspace.objects.all(), name, RESERVED_WORKSPACE_SLUGS)
    )
    Membership.objects.create(workspace=workspace, user=owner, access=Access.ADMIN)
    signals.workspace_created.send(sender=Workspace, workspace=workspace)
    return workspace


@transaction.atomic
def workspace_rename(*, workspace: Workspace, name: str) -> Workspace:
    workspace.name = clean_name(name, "workspace")
    workspace.save(update_fields=["name"])
    return workspace


@transaction.atomic
def workspace_update(*, workspace: Workspace, name: str, time_zone: str) -> Workspace:
    """Rename the workspace and set the time zone its ritual times are given in (an IANA
    name such as "Europe/Paris"); the calendar feed turns those times into UTC with it."""
    zone = (time_zone or "").strip()
    if zone not in available_timezones():
        raise InvalidInput(f"“{zone}” is not a time zone; pick one from the list, such as Europe/Paris.", "time_zone")
    workspace.name = clean_name(name, "workspace")
    workspace.time_zone = zone
    workspace.save(update_fields=["name", "time_zone"])
    return workspace


@transaction.atomic
def workload_marks_set(
    *, workspace: Workspace, multiple: Decimal, floor: int, expected: tuple[Decimal | None, int | None] | None = None
) -> Workspace:
    """Set when the People page marks someone: over `multiple` times the team's median
    workload (1.1 to 10, one decimal) and at least `floor` points above it (1 to 500).

    `expected` is the rule the person saw (multiple, floor): if someone changed it since,
    nothing is saved (`Conflict`, saying what the rule is now)."""
    current = Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
    if current is None:
        raise NotFound("The workspace was deleted.")
    if expected is not None and expected != (current.workload_multiple, current.workload_floor):
        workspace.workload_multiple, workspace.workload_floor = current.workload_multiple, current.workload_floor
        raise Conflict(
            "Someone changed when people are marked while you were editing it: it is now over "
            f"{current.workload_multiple}× the team's median and at least {current.workload_floor} points above it. "
            "Your change was not saved; set it again if you still want it."
        )
    try:
        multiple = Decimal(multiple).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput("Give a number such as 1.5.", "multiple") from None
    if not multiple.is_finite():
        raise InvalidInput("Give a number such as 1.5.", "multiple")
    if not workload.MULTIPLE_MIN <= multiple <= workload.MULTIPLE_MAX:
        raise InvalidInput(f"Between {workload.MULTIPLE_MIN} and {workload.MULTIPLE_MAX} times the median.", "multiple")
    if isinstance(floor, bool) or not isinstance(floor, int) or not workload.FLOOR_MIN <= floor <= workload.FLOOR_MAX:
        raise InvalidInput(f"Between {workload.FLOOR_MIN} and {workload.FLOOR_MAX} points.", "floor")
    workspace.workload_multiple = multiple
    workspace.workload_floor = floor
    workspace.save(update_fields=["workload_multiple", "workload_floor"])
    return workspace


def _admins_left(workspace: Workspace, without: Membership) -> int:
    # A suspended admin reaches nothing: they do not count.
    admins = Membership.objects.filter(workspace=workspace, access=Access.ADMIN, suspended_at__isnull=True)
    return admins.exclude(pk=without.pk).count()


@transaction.atomic
def member_update(*, workspace: Workspace, membership_id: int, access: str) -> Membership:
    """Set a member's access; a suspended member gets it back with it."""
    membership = Membership.objects.select_for_update().filter(workspace=workspace, pk=membership_id).first()
    if membership is None:
        raise NotFound("That person is no longer a member.")
    if access not in Access.values:
        raise InvalidInput("Pick an access level: viewer, editor or admin.", "access")
    if membership.access == Access.ADMIN and access != Access.ADMIN and not _admins_left(workspace, membership):
        raise InvalidInput("A workspace needs at least one admin; make someone else admin first.", "access")
    changed = membership.access != access or membership.suspended_at is not None
    membership.access, membership.suspended_at = access, None
    membership.save(update_fields=["access", "suspended_at"])
    if changed:
        # Open streams of theirs close and reconnect under the new access.
        push.access_changed(person_id=membership.user_id, workspace_id=workspace.pk)
    return membership


class HandoverRefused(InvalidInput):
    """Some of what the member holds has nowhere valid to go: `errors` maps each such
    holding's key to what is wrong. Nothing was changed."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(next(iter(errors.values())))
        self.errors = errors


@transaction.atomic
def membership_remove(
    *, membership: Membership, handover: dict[str, int | None], actor, rotate: Iterable[str] = ()
) -> None:
    """Remove a member from their workspace after handing over everything they hold.

    `handover` maps the key of every holding (see `raci.handover`) to the id of the
    remaining member who takes it over, or to None where the holding may go to nobody.
    A missing key, a member who is not a remaining one, a viewer for something only an
    editor can act on: `HandoverRefused` lists them all and nothing changes. The last admin
    cannot be removed. New owners of readiness items are told (item_assigned). The
    workspace's secrets named in `rotate` (see `handover.Secret`: what an admin could read)
    are replaced in the same step.
    """
    locked = Membership.objects.select_for_update().select_related("workspace", "user").filter(pk=membership.pk).first()
    if locked is None:
        raise NotFound("That person is no longer a member.")
    membership = locked
    workspace = membership.workspace
    if membership.access == Access.ADMIN and not _admins_left(workspace, membership):
        raise InvalidInput("A workspace needs at least one admin; make someone else admin first.")
    others = {
        m.pk: m for m in Membership.objects.filter(workspace=workspace).exclude(pk=membership.pk).select_related("user")
    }
    to: dict[str, Membership | None] = {}
    errors: dict[str, str] = {}
    for holding in registry.holdings_of(membership=membership):
        target_id = handover.get(holding.key, ...)
        target = others.get(target_id) if target_id not in (None, ...) else None
        if target_id is ...:
            errors[holding.key] = f"Say who takes over {holding.label}."
        elif target_id is None and not holding.nobody_ok:
            errors[holding.key] = f"{holding.label} needs someone: pick who takes it over."
        elif target_id is not None and target is None:
            errors[holding.key] = "Pick one of the remaining members."
        elif target is not None and holding.editors_only and not target.can_edit:
            errors[holding.key] = (
                f"{target.display_name} is a viewer and could not act on it: pick an editor or "
                "an admin, or ask an admin to make them one."
            )
        else:
            to[holding.key] = target
    if errors:
        raise HandoverRefused(errors)
    for provider in registry.providers():
        provider.hand_over(membership=membership, to=to, actor=actor)
    held = list(membership.held_roles.values_list("role_id", flat=True))
    push.access_changed(person_id=membership.user_id, workspace_id=workspace.pk)
    membership.delete()
    for key in rotate:
        registry.secret_rotate(workspace=workspace, key=key, actor=actor)
    if held:
        signals.holders_changed.send(sender=Role, role_ids=held, actor=actor)
