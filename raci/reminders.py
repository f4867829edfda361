"""What the notifications tick finds in the matrices: letters that changed since the last
tick, decisions reaching their review date (a finding accepted until then counts again),
matrices passing theirs.

Each finding has a key; `notify.emit` tells about a key once, so the tick can run as
often as beat likes, twice at once, or after a missed day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.urls import reverse

from notifications.models import NotificationKind
from notifications.notify import Event, emit_many, seen
from raci import rules
from raci.letters import letters_parse
from raci.models import Activity, Cell, ChangeEvent, Decision, Matrix
from raci.services.acknowledgments import acknowledgments_lapse
from workspaces.clock import Clock
from workspaces.models import RoleHolder

Kind = NotificationKind

# Reviews that came due longer ago than this are old news: the dashboard lists them.
LOOKBACK = timedelta(days=30)
TOLD_LETTERS = {"A", "A/R", "I"}


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "Someone"


def letters_tick() -> int:
    """Tell the Accountable and Informed of every activity whose letters changed. Returns
    how many activities were told about."""
    told = 0
    for matrix_id in Matrix.objects.filter(last_seq__gt=F("notified_seq")).values_list("pk", flat=True)[:500]:
        told += _letters_of(matrix_id)
    return told


@transaction.atomic
def _letters_of(matrix_id: int) -> int:
    matrix = Matrix.objects.select_related("workspace").get(pk=matrix_id)
    start, end = matrix.notified_seq, matrix.last_seq
    # Claim the range first: a second tick doing the same matrix claims nothing and stops.
    if not Matrix.objects.filter(pk=matrix.pk, notified_seq=start).update(notified_seq=end):
        return 0
    events = list(
        ChangeEvent.objects.filter(matrix=matrix, seq__gt=start, seq__lte=end, kind="cell")
        .select_related("actor")
        .order_by("seq")
    )
    by_activity: dict[int, list[ChangeEvent]] = defaultdict(list)
    for event in events:
        by_activity[event.activity_id_ref].append(event)
    activities = {a.pk: a for a in Activity.objects.filter(matrix=matrix, pk__in=list(by_activity))}
    if not activities:
        return 0
    # Roles told: Accountable or Informed now, or before the change (losing an A is news).
    told_roles: dict[int, set[int]] = defaultdict(set)
    rows: dict[int, dict[int, str]] = defaultdict(dict)
    role_data: dict[int, rules.RoleData] = {}
    for activity_id, role_id, value, code, role_name in Cell.objects.filter(
        activity_id__in=list(activities)
    ).values_list("activity_id", "role_id", "value", "role__code", "role__name"):
        role_data[role_id] = rules.RoleData(role_id, code, role_name)
        if value:
            rows[activity_id][role_id] = value
        if value in ("A", "AR", "I"):
            told_roles[activity_id].add(role_id)
    for activity_id, changes in by_activity.items():
        told_roles[activity_id].update(e.role_id_ref for e in changes if e.before in TOLD_LETTERS)
    holders: dict[int, set[int]] = defaultdict(set)
    all_roles = {r for roles in told_roles.values() for r in roles}
    for role_id, user_id in RoleHolder.objects.filter(role_id__in=all_roles).values_list(
        "role_id", "membership__user_id"
    ):
        holders[role_id].add(user_id)
    url = reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])
    batch = []
    for activity_id, activity in activities.items():
        changes = by_activity[activity_id]
        recipients = {uid for role_id in told_roles[activity_id] for uid in holders[role_id]}
        actors = {e.actor_id for e in changes}
        recipients -= actors
        # Per role: its letters before the first change and after the last.
        first: dict[int, ChangeEvent] = {}
        last: dict[int, ChangeEvent] = {}
        for e in changes:
            first.setdefault(e.role_id_ref, e)
            last[e.role_id_ref] = e
        lines = []
        for role_id, e in last.items():
            code = e.target.rsplit("× ", 1)[-1]
            before, after = first[role_id].before or "—", e.after or "—"
            if before != after:
                lines.append(f"{code}: {before} → {after} ({_name(e.actor)})")
        if not lines:
            continue
        who = _name(changes[-1].actor) if len(actors) == 1 else f"{len(actors)} people"
        caused, cleared = _findings_moved(activity, rows[activity_id], first, role_data, matrix.rule_settings)
        batch.append(
            (
                Event(
                    workspace_id=matrix.workspace_id,
                    workspace_slug=matrix.workspace.slug,
                    kind=Kind.LETTERS,
                    key=f"letters:{matrix.pk}:{activity_id}:{start}-{end}",
                    title=f"{who} changed who does “{activity.name}” in {matrix.name}",
                    body="\n".join(lines),
                    url=f"{url}#row-{activity_id}",
                    actor_id=changes[-1].actor_id if len(actors) == 1 else None,
                    actor_name=who,
                    data={
                        "matrix": matrix.name,
                        "activity": activity.name,
                        "changes": lines,
                        "findings_caused": caused,
                        "findings_cleared": cleared,
                    },
                    matrix_id=matrix.pk,
                ),
                recipients,
            )
        )
    emit_many(batch)
    return len(batch)


def _findings_moved(activity, row_now, first_changes, role_data, settings) -> tuple[list[str], list[str]]:
    """The row's findings the change caused and those it cleared: the row's findings now
    against those of its letters before the first change of each role."""
    row_before = dict(row_now)
    for role_id, change in first_changes.items():
        before = letters_parse(change.before) if change.before else ""
        if before:
            row_before[role_id] = before
        else:
            row_before.pop(role_id, None)
    data = rules.ActivityData(activity.pk, activity.name, activity.phase)
    # A role whose cell is empty now is named as the change named it ("Pricing × PMM").
    named = {r: rules.RoleData(r, c.target.rsplit("× ", 1)[-1]) for r, c in first_changes.items()}
    roles = {**named, **role_data}
    now = {f.message for f in rules.row_findings(data, row_now, roles, settings)}
    then = {f.message for f in rules.row_findings(data, row_before, roles, settings)}
    return sorted(now - then), sorted(then - now)


def reviews_tick(today: date | None = None) -> int:
    """Decisions at their review date (to the decider and the matrix owner) and matrices
    past theirs (to the owner), counted from each workspace's today (or `today` everywhere)."""
    clock = Clock.at(today)
    decisions = [
        d
        for d in Decision.objects.filter(
            review_on__lte=clock.latest, review_on__gt=clock.earliest - LOOKBACK
        ).select_related("matrix__workspace")
        if clock.today(d.matrix.workspace) - LOOKBACK < d.review_on <= clock.today(d.matrix.workspace)
    ]
    # Findings accepted until these review dates count again from today, as the reminder goes out.
    due: dict[int, set[int]] = defaultdict(set)
    for d in decisions:
        due[d.matrix_id].add(d.pk)
    for matrix_id, decision_ids in due.items():
        acknowledgments_lapse(matrix_id=matrix_id, decision_ids=decision_ids)
    keys = {d.pk: f"decision_review:{d.pk}:{d.review_on.isoformat()}" for d in decisions}
    matrices = [
        m
        for m in Matrix.objects.filter(review_cadence_days__isnull=False).select_related("workspace")
        if m.review_due_on and clock.today(m.workspace) - LOOKBACK < m.review_due_on < clock.today(m.workspace)
    ]
    matrix_keys = {m.pk: f"matrix_review:{m.pk}:{m.review_due_on.isoformat()}" for m in matrices}
    done = seen([*keys.values(), *matrix_keys.values()])
    batch = []
    for d in decisions:
        if keys[d.pk] in done:
            continue
        batch.append(
            (
                Event(
                    workspace_id=d.matrix.workspace_id,
                    workspace_slug=d.matrix.workspace.slug,
                    kind=Kind.DECISION_REVIEW,
                    key=keys[d.pk],
                    title=f"Time to review a decision in {d.matrix.name}: “{d.what}”",
                    body=f"Decided on {_day(d.decided_on)}; review due {_day(d.review_on)}."
                    + (f"\nWhy: {d.why}" if d.why else ""),
                    url=reverse("raci:decisions", args=[d.matrix.workspace.slug, d.matrix.slug]),
                    data={"matrix": d.matrix.name, "decision": d.what, "review_on": d.review_on.isoformat()},
                    matrix_id=d.matrix_id,
                ),
                {d.decided_by_id, d.matrix.owner_id},
            )
        )
    for m in matrices:
        if matrix_keys[m.pk] in done:
            continue
        batch.append(
            (
                Event(
                    workspace_id=m.workspace_id,
                    workspace_slug=m.workspace.slug,
                    kind=Kind.MATRIX_REVIEW,
                    key=matrix_keys[m.pk],
                    title=f"{m.name} is due for review",
                    body=f"Its review was due on {_day(m.review_due_on)} (every {m.review_cadence_days} days). "
                    "Check who does what still holds, then mark it reviewed.",
                    url=reverse("raci:matrix", args=[m.workspace.slug, m.slug]),
                    data={"matrix": m.name, "review_due_on": m.review_due_on.isoformat()},
                    matrix_id=m.pk,
                ),
                {m.owner_id},
            )
        )
    with transaction.atomic():
        emit_many(batch)
    return len(batch)
