"""The numbered changes of a launch cycle's board and of its quarter page.

Every write that changes what either page shows bumps the cycle's `version` and, once it
commits, announces the new number on the cycle's channel (`core.push`): an open page's stream
tells it to fetch what changed (`launches.views.live`), and a page that polls compares numbers.

Writes are caught where they land, not where they start: receivers of the models the pages
show (`launches.receivers`) call `cycles_changed`, and the few writes that bypass model
signals (bulk creates and updates, queryset updates) call it themselves. A write that saves
many rows (a tier's checklist planned again) bumps each cycle once, however many rows it saves.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from core import push
from launches.models import Dependency, Launch, LaunchCycle


def channel(cycle_id: int) -> str:
    return push.channel("cycle", cycle_id)


class _Changed:
    """What one level of a transaction (the transaction, or one savepoint in it) changed:
    the cycles it bumped already, and what it looked up to find them. Registered with
    `on_commit`, it announces the cycles' new numbers once the transaction commits."""

    def __init__(self) -> None:
        self.cycles: set[int] = set()
        self.cycle_of: dict[int, int] = {}  # launch id -> its cycle's id
        self.seen: set[tuple[str, int]] = set()  # the workspaces and dependents looked up

    def __call__(self) -> None:
        if not push.enabled() or not self.cycles:
            return
        # Read at commit: a later write's number is as good (a page fetches the newest).
        for pk, version in LaunchCycle.objects.filter(pk__in=self.cycles).values_list("pk", "version"):
            push.publish(channel(pk), {"kind": "changed", "seq": version})


def _level() -> tuple[_Changed, bool]:
    """This level's record of changes and whether it was just made outside a transaction
    (then it is announced at once).

    The record is found among the connection's commit callbacks registered at this very
    level: a savepoint rolled back drops its callbacks with its writes, so a record is never
    trusted past the rows it describes. Only the same level counts, not an enclosing one: a
    test runs each request's write in a savepoint of one long transaction, and each must
    bump the number the next poll compares. An atomic block without a savepoint (a queryset's
    delete runs in one) is the level it is in: it cannot roll back alone (its `None`)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return _Changed(), True
    level = set(connection.savepoint_ids) - {None}
    for sids, func, _ in connection.run_on_commit:
        if isinstance(func, _Changed) and sids - {None} == level:
            return func, False
    changed = _Changed()
    transaction.on_commit(changed)
    return changed, False


def cycles_changed(
    *,
    cycle_ids: Iterable[int | None] = (),
    launch_ids: Iterable[int | None] = (),
    workspace_id: int | None = None,
    waiting_on: int | None = None,
) -> None:
    """Number a change of what these cycles show: the cycles named, those of the launches
    named, every cycle of a workspace (its dates to avoid or its rubric changed), and those
    of the launches waiting on launch `waiting_on` (its date and tier order theirs). One
    UPDATE for the cycles not bumped yet at this level of the transaction."""
    changed, now = _level()
    ids = {pk for pk in cycle_ids if pk}
    launches = {pk for pk in launch_ids if pk}
    unknown = launches - changed.cycle_of.keys()
    if unknown:
        changed.cycle_of.update(Launch.objects.filter(pk__in=unknown).values_list("pk", "cycle_id"))
    ids |= {changed.cycle_of[pk] for pk in launches if pk in changed.cycle_of}
    if workspace_id is not None and ("workspace", workspace_id) not in changed.seen:
        changed.seen.add(("workspace", workspace_id))
        ids |= set(LaunchCycle.objects.filter(workspace_id=workspace_id).values_list("pk", flat=True))
    if waiting_on is not None and ("waiting", waiting_on) not in changed.seen:
        changed.seen.add(("waiting", waiting_on))
        ids |= set(Dependency.objects.filter(before_id=waiting_on).values_list("launch__cycle_id", flat=True))
    new = ids - changed.cycles
    if new:
        LaunchCycle.objects.filter(pk__in=new).update(version=F("version") + 1)
        changed.cycles |= new
    if now:
        changed()
