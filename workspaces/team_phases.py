"""Reads and writes of a workspace's phase list (see `workspaces.phases` for what a phase is).

A workspace without stored phases has the five lifecycle phases: `phase_list` answers them
without writing, and the first change (`_materialise`) stores them, under the workspace's
row lock, so two admins editing at once queue rather than interleave.
"""

from __future__ import annotations

from django.db import transaction

from core.errors import Conflict, InvalidInput, NotFound
from core.text import hidden_control
from workspaces import signals
from workspaces.models import Phase, Role, Workspace
from workspaces.phases import (
    LIFECYCLE,
    LIFECYCLE_LABELS,
    PHASE_NAME_MAX,
    PHASES_MAX,
    SHARED,
    SPLIT,
    UNPHASED,
    PhaseList,
    clean,
    default_relay,
    fold,
    key_for_new,
    parse_phase,
)


def phase_list(*, workspace_id: int) -> PhaseList:
    """The workspace's phases in order, in one query."""
    rows = list(
        Phase.objects.filter(workspace_id=workspace_id)
        .order_by("position", "id")
        .values_list("key", "name", "driver", "navigator")
    )
    return PhaseList(rows) if rows else PhaseList.default()


def phases_of(*, workspace: Workspace) -> list[Phase]:
    """The stored phases (the defaults stored first when there are none yet): for the settings page."""
    found = list(Phase.objects.filter(workspace=workspace).order_by("position", "id"))
    return found or [_new(workspace, key, name, i) for i, (key, name) in enumerate(LIFECYCLE)]


def _new(workspace: Workspace, key: str, name: str, position: int, relay: tuple[str, str] | None = None) -> Phase:
    """An unsaved phase with its relay: the one given, else its default (`default_relay`)."""
    driver, navigator = relay or default_relay(key)
    return Phase(workspace=workspace, key=key, name=name, position=position, driver=driver, navigator=navigator)


def _materialise(workspace: Workspace) -> list[Phase]:
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
    phases = list(Phase.objects.filter(workspace=workspace).order_by("position", "id"))
    if not phases:
        phases = Phase.objects.bulk_create([_new(workspace, key, name, i) for i, (key, name) in enumerate(LIFECYCLE)])
    return phases


def clean_phase_name(value: str, field: str = "name") -> str:
    """A phase name as typed: trimmed, one space between words, 1 to PHASE_NAME_MAX characters."""
    name = clean(value or "")
    if not name:
        raise InvalidInput("The phase needs a name.", field)
    if len(name) > PHASE_NAME_MAX:
        raise InvalidInput(f"A phase's name has at most {PHASE_NAME_MAX} characters; this one has {len(name)}.", field)
    if hidden_control(name) is not None:
        raise InvalidInput("A phase's name cannot hold control characters.", field)
    if parse_phase(name) == UNPHASED:
        raise InvalidInput(f"“{name}” is how activities without a phase are shown; pick another name.", field)
    return name


def _check_name_free(phases: list[Phase], name: str, exclude: int | None = None) -> None:
    for phase in phases:
        if phase.pk != exclude and fold(phase.name) == fold(name):
            raise InvalidInput(f"The workspace already has a phase named “{phase.name}”.", "name")


def _check_room(phases: list[Phase], adding: int) -> None:
    if len(phases) + adding > PHASES_MAX:
        raise InvalidInput(f"A workspace has at most {PHASES_MAX} phases; remove one before adding another.", "name")


def _renumber(phases: list[Phase]) -> None:
    for i, phase in enumerate(phases):
        phase.position = i
    Phase.objects.bulk_update(phases, ["position"])


@transaction.atomic
def phase_add(*, workspace: Workspace, name: str, driver: str = "", navigator: str = "") -> Phase:
    """Add a phase at the end of the workspace's list; without a driver it gets its
    default relay (the lifecycle's for a lifecycle name, else shared)."""
    phases = _materialise(workspace)
    name = clean_phase_name(name)
    _check_name_free(phases, name)
    _check_room(phases, 1)
    key = key_for_new(name, {p.key for p in phases})
    relay = clean_relay(workspace=workspace, driver=driver, navigator=navigator) if driver else None
    phase = _new(workspace, key, name, max((p.position for p in phases), default=-1) + 1, relay)
    phase.save()
    return phase


@transaction.atomic
def phases_add(*, workspace: Workspace, names: list[str]) -> list[Phase]:
    """Add phases at the end, in the order given, skipping names the workspace has (an
    import adds the phases its file names). All or none: a bad name adds nothing."""
    phases = _materialise(workspace)
    taken_names = {fold(p.name) for p in phases}
    taken_keys = {p.key for p in phases}
    wanted: list[tuple[str, str]] = []
    for raw in names:
        name = clean_phase_name(raw)
        if fold(name) in taken_names:
            continue
        key = key_for_new(name, taken_keys)
        taken_names.add(fold(name))
        taken_keys.add(key)
        wanted.append((key, name))
    _check_room(phases, len(wanted))
    start = max((p.position for p in phases), default=-1) + 1
    return Phase.objects.bulk_create([_new(workspace, key, name, start + i) for i, (key, name) in enumerate(wanted)])


def _get(phases: list[Phase], phase_key: str) -> Phase:
    found = next((p for p in phases if p.key == phase_key), None)
    if found is None:
        raise NotFound("That phase no longer exists.")
    return found


@transaction.atomic
def phase_rename(
    *, workspace: Workspace, phase_key: str, name: str, actor=None, expected_name: str | None = None
) -> Phase:
    """Rename a phase; its activities stay in it and each matrix's history records it.
    `expected_name` is the name the person saw: if someone renamed it since, refused."""
    phases = _materialise(workspace)
    phase = _get(phases, phase_key)
    if expected_name is not None and expected_name != phase.name:
        raise Conflict(
            f"Someone renamed this phase to “{phase.name}” while you were editing it; "
            "your name was not saved. Rename it again if you still want to."
        )
    name = clean_phase_name(name)
    _check_name_free(phases, name, exclude=phase.pk)
    before = phase.name
    if before == name:
        return phase
    phase.name = name
    phase.save(update_fields=["name"])
    signals.phase_renamed.send(sender=Phase, phase=phase, before=before, after=name, actor=actor)
    return phase


@transaction.atomic
def phase_move(*, workspace: Workspace, phase_key: str, direction: str) -> Phase:
    """Swap a phase with its neighbour ("up" or "down"); at either end nothing moves."""
    if direction not in ("up", "down"):
        raise InvalidInput("Move a phase up or down.")
    phases = _materialise(workspace)
    phase = _get(phases, phase_key)
    index = phases.index(phase)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(phases):
        phases[index], phases[other] = phases[other], phases[index]
        _renumber(phases)
    return phase


@transaction.atomic
def phase_remove(*, workspace: Workspace, phase_key: str) -> Phase:
    """Remove a phase nobody uses: refused while any activity (of a matrix or of one of the
    workspace's templates) is in it, and for the workspace's last phase."""
    phases = _materialise(workspace)
    phase = _get(phases, phase_key)
    if len(phases) == 1:
        raise InvalidInput(f"“{phase.name}” is the workspace's only phase; add another before removing it.")
    signals.phase_deleting.send(sender=Phase, phase=phase)
    phase.delete()
    _renumber([p for p in phases if p.pk != phase.pk])
    return phase


@transaction.atomic
def phases_ensure(*, workspace: Workspace, keys: list[str]) -> None:
    """Give the workspace back the lifecycle phases among `keys` it removed (a matrix made
    from a template uses them), at the end of its list. Other keys are left alone."""
    wanted = [k for k in dict.fromkeys(keys) if k in LIFECYCLE_LABELS]
    if not wanted or all(k in phase_list(workspace_id=workspace.pk) for k in wanted):
        return
    phases = _materialise(workspace)
    have_keys, have_names = {p.key for p in phases}, {fold(p.name) for p in phases}
    missing = [k for k in wanted if k not in have_keys and fold(LIFECYCLE_LABELS[k]) not in have_names]
    if len(phases) + len(missing) > PHASES_MAX:
        return  # the rows still show, under their lifecycle name, after the workspace's phases
    start = max((p.position for p in phases), default=-1) + 1
    Phase.objects.bulk_create([_new(workspace, k, LIFECYCLE_LABELS[k], start + i) for i, k in enumerate(missing)])


def clean_relay(*, workspace: Workspace, driver: str, navigator: str) -> tuple[str, str]:
    """A phase's (driver, navigator) as chosen: the driver is "shared", "split" or one of
    the workspace's role codes; a led phase's navigator is another role (or none), a
    shared or split one has no navigator."""
    driver, navigator = (driver or "").strip(), (navigator or "").strip()
    if len(driver) > 20 or len(navigator) > 20 or "\x00" in driver + navigator:
        raise InvalidInput("Pick the driver and the navigator from the lists.", "driver")
    codes = set(Role.objects.filter(workspace=workspace).values_list("code", flat=True))
    if driver in (SHARED, SPLIT):
        if navigator:
            raise InvalidInput("A shared or split phase has no navigator: both roles hold the wheel.", "navigator")
        return driver, ""
    if driver not in codes:
        raise InvalidInput("The driver is no role of this workspace; pick one from the list.", "driver")
    if navigator and navigator not in codes:
        raise InvalidInput("The navigator is no role of this workspace; pick one from the list.", "navigator")
    if navigator == driver:
        raise InvalidInput("A role cannot drive and navigate the same phase; pick another navigator.", "navigator")
    return driver, navigator


@transaction.atomic
def phase_relay_set(
    *,
    workspace: Workspace,
    phase_key: str,
    driver: str,
    navigator: str,
    expected: tuple[str, str] | None = None,
    actor=None,
) -> Phase:
    """Set who drives a phase and who navigates. `expected` is the (driver, navigator) the
    admin saw: if another admin changed them since, refused rather than overwritten."""
    phases = _materialise(workspace)
    phase = _get(phases, phase_key)
    if expected is not None and expected != (phase.driver, phase.navigator):
        raise Conflict(
            f"Someone changed who drives “{phase.name}” to “{phase.relay_label}” while you were "
            "editing it; your choice was not saved. Choose again if you still want to."
        )
    before = phase.relay_label
    relay = clean_relay(workspace=workspace, driver=driver, navigator=navigator)
    if relay == (phase.driver, phase.navigator):
        return phase
    phase.driver, phase.navigator = relay
    phase.save(update_fields=["driver", "navigator"])
    signals.phase_relay_changed.send(sender=Phase, phase=phase, before=before, after=phase.relay_label, actor=actor)
    return phase
