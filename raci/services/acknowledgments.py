"""Accepting a finding on purpose, with a reason (`raci.acknowledgments`), and taking it back.

Each is a change group of the matrix (undone like any other) and a decision log entry
(who, when, why, and the review date the reminders tell about). The matrix's counts move
at once: an accepted finding leaves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from core.errors import InvalidInput, NotFound, StaleChanges
from core.text import hidden_control
from raci import acknowledgments, changelog, rules
from raci.acknowledgments import Acknowledgment
from raci.builtin_templates import CREATOR
from raci.grid import Grid
from raci.models import ChangeEvent, Decision, Matrix
from raci.selectors import matrix_grid
from raci.services.cells import store_counts
from raci.services.undo import reverts
from workspaces.models import Membership

ACKNOWLEDGE, WITHDRAW, LAPSE = "finding.acknowledge", "finding.withdraw", "finding.lapse"
# A review date further out than this is no review date.
REVIEW_WITHIN = timedelta(days=5 * 366)


@dataclass(frozen=True, slots=True)
class FindingRef:
    """Which finding: its rule and what it is about."""

    rule: str
    activity_id: int | None = None
    role_id: int | None = None
    person_id: int | None = None

    @property
    def key(self) -> acknowledgments.Key:
        return (self.rule, self.activity_id, self.role_id, self.person_id)


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def subject(grid: Grid, finding: rules.Finding) -> str:
    """What a finding is about, as people read it: the activity's name, the role's code."""
    if finding.activity is not None:
        activity = grid.activity(finding.activity)
        return activity.name if activity else ""
    if finding.role is not None:
        column = grid.column(finding.role)
        return column.code if column else ""
    return grid.people.get(finding.person, "")


def clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Say why the team accepts this finding: the reason is what others read.", "reason")
    if len(reason) > acknowledgments.REASON_MAX:
        raise InvalidInput(
            f"Keep the reason under {acknowledgments.REASON_MAX} characters (it has {len(reason)}).", "reason"
        )
    if hidden_control(reason):
        raise InvalidInput("The reason holds an invisible control character; type it again without it.", "reason")
    return reason


def _store(matrix: Matrix, acknowledged: dict) -> None:
    matrix.acknowledgments = [a.as_json() for a in acknowledged.values()]
    Matrix.objects.filter(pk=matrix.pk).update(acknowledgments=matrix.acknowledgments)
    store_counts(matrix, matrix_grid(matrix=matrix))


def _find(grid: Grid, ref: FindingRef) -> rules.Finding | None:
    return next((f for f in grid.all_findings() if acknowledgments.key_of(f) == ref.key), None)


@transaction.atomic
def finding_acknowledge(
    *,
    matrix: Matrix,
    ref: FindingRef,
    reason: str,
    review_on: date | None,
    actor,
    fingerprint: str = "",
) -> Acknowledgment:
    """Accept the finding `ref` on purpose: it leaves the counts while what it is about
    stays as it is now. `fingerprint`, when given, is what the person saw (from the
    finding's page): if the letters changed since, nothing is saved (`StaleChanges`).

    Errors are refused (`InvalidInput`), as is a finding that is no longer there.
    """
    reason = clean_reason(reason)
    today = matrix.workspace.today()
    if review_on is not None and not today < review_on <= today + REVIEW_WITHIN:
        raise InvalidInput("The review date is a day after today, within five years.", "review_on")
    changelog.lock(matrix=matrix, bump=False)
    grid = matrix_grid(matrix=matrix)
    finding = _find(grid, ref)
    if finding is None:
        raise InvalidInput("That finding is no longer in the matrix: someone fixed it, or the letters changed.")
    if not acknowledgments.can_acknowledge(finding):
        raise InvalidInput(
            "Errors cannot be accepted: every activity needs exactly one accountable owner. Fix it instead.", "rule"
        )
    current = acknowledgments.fingerprint_of(finding, grid.rule_input())
    if fingerprint and fingerprint != current:
        raise StaleChanges(
            "Not accepted: the matrix changed since you looked.",
            changes=[f"The letters of {subject(grid, finding)} changed; read the finding again."],
        )
    acknowledged = matrix.acknowledged
    if ref.key not in acknowledged and len(acknowledged) >= acknowledgments.PER_MATRIX_MAX:
        raise InvalidInput(f"A matrix keeps at most {acknowledgments.PER_MATRIX_MAX} accepted findings.")
    what = f"Accepted on purpose: {finding.message}"[:500]
    label = f"Accept {finding.rule}: {subject(grid, finding)}"
    with changelog.changes_group(matrix=matrix, label=label):
        decision = Decision.objects.create(
            matrix=matrix,
            activity_id=finding.activity,
            what=what,
            why=reason,
            decided_by=actor,
            decided_on=today,
            review_on=review_on,
            created_by=actor,
        )
        ack = Acknowledgment(
            rule=finding.rule,
            fingerprint=current,
            reason=reason,
            activity=finding.activity,
            role=finding.role,
            person=finding.person,
            review_on=review_on,
            by=_name(actor),
            on=today,
            decision=decision.pk,
        )
        changelog.record(
            matrix=matrix,
            actor=actor,
            kind=ACKNOWLEDGE,
            target=f"{finding.rule} · {subject(grid, finding)}",
            activity_id=finding.activity,
            role_id=finding.role,
            before=acknowledged[ref.key].as_json() if ref.key in acknowledged else None,
            after=ack.as_json(),
        )
        acknowledged[ref.key] = ack
        _store(matrix, acknowledged)
    return ack


@transaction.atomic
def finding_withdraw(*, matrix: Matrix, ref: FindingRef, actor) -> Acknowledgment:
    """Take an acknowledgment back: the finding counts again (if it is still there), and
    its decision log entry goes; the history keeps both."""
    changelog.lock(matrix=matrix, bump=False)
    acknowledged = matrix.acknowledged
    ack = acknowledged.get(ref.key)
    if ack is None:
        raise NotFound("That finding is not accepted (any more).")
    with changelog.changes_group(matrix=matrix, label=f"Withdraw acceptance of {ref.rule}"):
        _remove(matrix, acknowledged, ack, actor, kind=WITHDRAW)
    return ack


def _remove(matrix: Matrix, acknowledged: dict, ack: Acknowledgment, actor, *, kind: str) -> None:
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind=kind,
        target=ack.rule,
        activity_id=ack.activity,
        role_id=ack.role,
        before=ack.as_json(),
    )
    if ack.decision is not None:
        Decision.objects.filter(matrix=matrix, pk=ack.decision).delete()
    acknowledged.pop(ack.key, None)
    _store(matrix, acknowledged)


def _put(matrix: Matrix, data: dict, actor) -> None:
    """Acknowledge again as recorded (an undo of a withdrawal), with its decision log entry."""
    ack = Acknowledgment.from_json(data)
    decision = Decision.objects.create(
        matrix=matrix,
        activity_id=ack.activity if ack.activity is not None else None,
        what=f"Accepted on purpose: {ack.rule}"[:500],
        why=ack.reason,
        decided_by=actor,
        decided_on=ack.on or matrix.workspace.today(),
        review_on=ack.review_on,
        created_by=actor,
    )
    ack = Acknowledgment.from_json({**data, "decision": decision.pk})
    changelog.record(
        matrix=matrix,
        actor=actor,
        kind=ACKNOWLEDGE,
        target=ack.rule,
        activity_id=ack.activity,
        role_id=ack.role,
        after=ack.as_json(),
    )
    acknowledged = matrix.acknowledged
    acknowledged[ack.key] = ack
    _store(matrix, acknowledged)


@reverts(ACKNOWLEDGE)
def _revert_acknowledge(matrix: Matrix, event: ChangeEvent, actor) -> None:
    acknowledged = matrix.acknowledged
    ack = Acknowledgment.from_json(event.after)
    current = acknowledged.get(ack.key)
    if current is not None:
        _remove(matrix, acknowledged, current, actor, kind=WITHDRAW)
    if event.before:  # it replaced an earlier acknowledgment of the same finding
        _put(matrix, event.before, actor)


@reverts(WITHDRAW)
def _revert_withdraw(matrix: Matrix, event: ChangeEvent, actor) -> None:
    _put(matrix, event.before, actor)


@transaction.atomic
def acknowledgments_lapse(*, matrix_id: int, decision_ids: set[int]) -> int:
    """End the acknowledgments of `matrix_id` whose decision's review date has come (the
    reminders' tick, which tells about those decisions; the decision log may have moved the
    date): those findings count again. Returns how many."""
    matrix = Matrix.objects.select_related("workspace").filter(pk=matrix_id).first()
    if matrix is None:
        return 0
    changelog.lock(matrix=matrix, bump=False)
    acknowledged = matrix.acknowledged
    due = [a for a in acknowledged.values() if a.decision in decision_ids]
    for ack in due:
        changelog.record(
            matrix=matrix,
            actor=None,
            kind=LAPSE,
            target=ack.rule,
            activity_id=ack.activity,
            role_id=ack.role,
            before=ack.as_json(),
        )
        acknowledged.pop(ack.key)
    if due:
        _store(matrix, acknowledged)
    return len(due)


def acknowledgments_from_template(*, matrix: Matrix, template, actor) -> int:
    """Accept, in a matrix just made from `template`, the findings the template means
    (`Template.acknowledgments`), each with a decision log entry. Returns how many."""
    specs = template.acknowledgments or []
    if not specs:
        return 0
    grid = matrix_grid(matrix=matrix)
    letters = acknowledgments.Letters.of(grid.rule_input())
    codes = {c.code.upper(): c.role_id for c in grid.columns}
    names = {a.name.casefold(): a.id for a in grid.activities}
    creator = Membership.objects.filter(workspace_id=matrix.workspace_id, user=actor).values_list("pk", flat=True)
    creator_id = creator.first() if actor is not None else None
    today = matrix.workspace.today()
    acknowledged = matrix.acknowledged
    for spec in specs:
        key = (
            spec.get("rule"),
            names.get(str(spec["activity"]).casefold()) if spec.get("activity") else None,
            codes.get(str(spec["role"]).upper()) if spec.get("role") else None,
            creator_id if spec.get("person") == CREATOR else None,
        )
        finding = next((f for f in grid.findings if acknowledgments.key_of(f) == key), None)
        if finding is None or not acknowledgments.can_acknowledge(finding):
            continue
        reason = clean_reason(str(spec.get("reason", "")) or f"Accepted in the template “{template.name}”.")
        decision = Decision.objects.create(
            matrix=matrix,
            activity_id=finding.activity,
            what=f"Accepted on purpose: {finding.message}"[:500],
            why=reason,
            decided_by=actor,
            decided_on=today,
            created_by=actor,
        )
        acknowledged[key] = Acknowledgment(
            rule=finding.rule,
            fingerprint=letters.fingerprint(finding),
            reason=reason,
            activity=finding.activity,
            role=finding.role,
            person=finding.person,
            by=f"the template “{template.name}”",
            on=today,
            decision=decision.pk,
        )
    matrix.acknowledgments = [a.as_json() for a in acknowledged.values()]
    Matrix.objects.filter(pk=matrix.pk).update(acknowledgments=matrix.acknowledgments)
    return len(acknowledged)
