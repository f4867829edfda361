"""Accepting a finding on purpose: each severity, the counts, the return when what it is
about changes or its review date comes, undo, and the decision log."""

from datetime import date, timedelta

import pytest
import time_machine

from core import errors
from notifications.models import Notification
from raci import services
from raci.models import Cell, ChangeEvent, Decision, Matrix
from raci.reminders import reviews_tick
from raci.selectors import matrix_grid
from raci.services import FindingRef
from tests.factories import MembershipFactory, build_matrix

pytestmark = pytest.mark.django_db

# Row 1 has an A and no R (no-responsible, a warning); row 3 no A (no-accountable, an
# error); role 2 only consulted (idle-role, info).
LETTERS = {(0, 0): "AR", (0, 1): "C", (0, 2): "C", (1, 0): "A", (1, 1): "C", (2, 0): "AR", (3, 1): "R", (3, 2): "C"}


@pytest.fixture
def me():
    return MembershipFactory(access="editor", user__first_name="Mia", user__last_name="Lund")


@pytest.fixture
def grid(me):
    return build_matrix(me.workspace, activities=4, roles=3, letters=LETTERS)


def _counts(matrix):
    matrix.refresh_from_db()
    full = matrix_grid(matrix=matrix)
    assert matrix.counts == full.counts, "the stored counts are a full check's"
    assert matrix.acknowledged_count == len(full.accepted)
    return matrix.counts, matrix.acknowledged_count


def _set(matrix, activity, role, value, who):
    cell = Cell.objects.filter(activity=activity, role=role).first()
    matrix = Matrix.objects.select_related("workspace").get(pk=matrix.pk)
    return services.cell_set(
        matrix=matrix,
        activity_id=activity.pk,
        role_id=role.pk,
        value=value,
        expected_version=cell.version if cell else 0,
        actor=who.user,
    )


def _ack(matrix, me, *, rule, activity=None, role=None, reason="Three teams must weigh in.", review_on=None):
    matrix = Matrix.objects.select_related("workspace").get(pk=matrix.pk)
    return services.finding_acknowledge(
        matrix=matrix,
        ref=FindingRef(rule, activity.pk if activity else None, role.pk if role else None),
        reason=reason,
        review_on=review_on,
        actor=me.user,
    )


def test_a_warning_accepted_leaves_the_counts_and_is_recorded_as_a_decision(grid, me):
    matrix, acts, roles = grid
    assert _counts(matrix) == ({"error": 1, "warning": 1, "info": 1}, 0)
    review = date.today() + timedelta(days=90)
    ack = _ack(
        matrix, me, rule="no-responsible", activity=acts[1], reason="  PM owns it and  hires it out. ", review_on=review
    )
    assert ack.reason == "PM owns it and hires it out." and ack.by == "Mia Lund"
    assert _counts(matrix) == ({"error": 1, "warning": 0, "info": 1}, 1)
    decision = Decision.objects.get(matrix=matrix)
    assert decision.why == "PM owns it and hires it out."
    assert decision.decided_by == me.user and decision.review_on == review and decision.activity_id == acts[1].pk
    assert decision.what == "Accepted on purpose: Nobody is responsible for doing “Activity 1”."
    event = ChangeEvent.objects.get(matrix=matrix, kind="finding.acknowledge")
    assert event.group_label == "Accept no-responsible: Activity 1" and event.actor == me.user
    grid_now = matrix_grid(matrix=matrix)
    assert [f.rule for f, _ in grid_now.accepted] == ["no-responsible"]
    assert acts[1].pk not in grid_now.findings_by_activity()


def test_an_info_accepted_leaves_the_counts(grid, me):
    matrix, acts, roles = grid
    _ack(matrix, me, rule="idle-role", role=roles[2], reason="Consulted on purpose.")
    assert _counts(matrix) == ({"error": 1, "warning": 1, "info": 0}, 1)


def test_an_error_cannot_be_accepted(grid, me):
    matrix, acts, roles = grid
    with pytest.raises(errors.InvalidInput, match="Errors cannot be accepted"):
        _ack(matrix, me, rule="no-accountable", activity=acts[3])
    assert _counts(matrix) == ({"error": 1, "warning": 1, "info": 1}, 0)
    assert not Decision.objects.exists() and not ChangeEvent.objects.filter(kind__startswith="finding.").exists()


@pytest.mark.parametrize(
    ("reason", "message"),
    [("   ", "Say why"), ("x" * 1001, "under 1000"), ("ok\u202ehidden", "invisible control")],
)
def test_a_reason_is_required_and_bounded(grid, me, reason, message):
    matrix, acts, roles = grid
    with pytest.raises(errors.InvalidInput, match=message):
        _ack(matrix, me, rule="no-responsible", activity=acts[1], reason=reason)
    assert Matrix.objects.get(pk=matrix.pk).acknowledgments == []


def test_a_review_date_in_the_past_is_refused(grid, me):
    matrix, acts, roles = grid
    with pytest.raises(errors.InvalidInput, match="review date"):
        _ack(matrix, me, rule="no-responsible", activity=acts[1], review_on=date.today() - timedelta(days=1))


def test_a_finding_that_is_gone_cannot_be_accepted(grid, me):
    matrix, acts, roles = grid
    with pytest.raises(errors.InvalidInput, match="no longer in the matrix"):
        _ack(matrix, me, rule="no-responsible", activity=acts[0])


def test_the_finding_comes_back_when_its_row_changes_and_holds_again_when_put_back(grid, me):
    matrix, acts, roles = grid
    _ack(matrix, me, rule="no-responsible", activity=acts[1])
    result = _set(matrix, acts[1], roles[2], "I", me)
    assert [f.rule for f in result.row_findings] == ["no-responsible"]
    assert _counts(matrix) == ({"error": 1, "warning": 1, "info": 1}, 0)
    _set(matrix, acts[1], roles[2], "", me)
    assert _counts(matrix) == ({"error": 1, "warning": 0, "info": 1}, 1)


def test_an_idle_role_comes_back_when_the_role_gets_letters(grid, me):
    matrix, acts, roles = grid
    _ack(matrix, me, rule="idle-role", role=roles[2])
    # A C is a letter the column's rules do not count: the edit still reads the column.
    result = _set(matrix, acts[2], roles[2], "C", me)
    assert [f.rule for f in result.column_findings] == ["idle-role"]
    assert _counts(matrix) == ({"error": 1, "warning": 1, "info": 1}, 0)


def test_an_edit_elsewhere_keeps_the_acceptance(grid, me):
    matrix, acts, roles = grid
    _ack(matrix, me, rule="idle-role", role=roles[2])
    _ack(matrix, me, rule="no-responsible", activity=acts[1])
    _set(matrix, acts[2], roles[1], "I", me)
    assert _counts(matrix) == ({"error": 1, "warning": 0, "info": 0}, 2)


def test_undo_takes_the_acceptance_back_with_its_decision_and_redo_gives_it_again(grid, me):
    matrix, acts, roles = grid
    _ack(matrix, me, rule="no-responsible", activity=acts[1])
    result = services.undo_last(matrix=Matrix.objects.get(pk=matrix.pk), actor=me.user)
    assert result.label == "Undo: Accept no-responsible: Activity 1"
    assert _counts(matrix) == ({"error": 1, "warning": 1, "info": 1}, 0)
    assert not Decision.objects.filter(matrix=matrix).exists()
    services.redo_last(matrix=Matrix.objects.get(pk=matrix.pk), actor=me.user)
    assert _counts(matrix) == ({"error": 1, "warning": 0, "info": 1}, 1)
    assert Decision.objects.filter(matrix=matrix, why="Three teams must weigh in.").count() == 1


def test_withdrawing_makes_the_finding_count_again(grid, me):
    matrix, acts, roles = grid
    _ack(matrix, me, rule="idle-role", role=roles[2])
    services.finding_withdraw(
        matrix=Matrix.objects.get(pk=matrix.pk), ref=FindingRef("idle-role", None, roles[2].pk), actor=me.user
    )
    assert _counts(matrix) == ({"error": 1, "warning": 1, "info": 1}, 0)
    assert not Decision.objects.exists()
    with pytest.raises(errors.NotFound):
        services.finding_withdraw(
            matrix=Matrix.objects.get(pk=matrix.pk), ref=FindingRef("idle-role", None, roles[2].pk), actor=me.user
        )


def test_the_finding_comes_back_on_its_review_date_with_the_decisions_reminder(grid, me):
    matrix, acts, roles = grid
    matrix.owner = me.user
    matrix.save()
    with time_machine.travel("2027-03-01 12:00:00+00:00", tick=False):
        _ack(matrix, me, rule="idle-role", role=roles[2], review_on=date(2027, 6, 1))
    with time_machine.travel("2027-05-31 12:00:00+00:00", tick=False):
        assert reviews_tick() == 0
        assert _counts(matrix) == ({"error": 1, "warning": 1, "info": 0}, 1)
    with time_machine.travel("2027-06-01 12:00:00+00:00", tick=False):
        assert reviews_tick() == 1
        assert _counts(matrix) == ({"error": 1, "warning": 1, "info": 1}, 0)
        assert reviews_tick() == 0, "told once"
    assert ChangeEvent.objects.filter(matrix=matrix, kind="finding.lapse").count() == 1
    told = Notification.objects.get(user=me.user)
    assert "Accepted on purpose" in told.title


def test_the_matrix_page_shows_nothing_of_a_lapsed_acknowledgment(grid, me):
    matrix, acts, roles = grid
    with time_machine.travel("2027-03-01 12:00:00+00:00", tick=False):
        _ack(matrix, me, rule="idle-role", role=roles[2], review_on=date(2027, 3, 2))
    with time_machine.travel("2027-03-02 12:00:00+00:00", tick=False):
        reviews_tick()
    assert Matrix.objects.get(pk=matrix.pk).acknowledgments == []


def test_the_decision_logs_review_date_is_the_one_that_counts(grid, me):
    matrix, acts, roles = grid
    with time_machine.travel("2027-03-01 12:00:00+00:00", tick=False):
        ack = _ack(matrix, me, rule="idle-role", role=roles[2], review_on=date(2027, 6, 1))
    Decision.objects.filter(pk=ack.decision).update(review_on=date(2027, 4, 1))
    with time_machine.travel("2027-04-01 12:00:00+00:00", tick=False):
        reviews_tick()
    assert _counts(matrix) == ({"error": 1, "warning": 1, "info": 1}, 0)


def test_the_decision_of_an_acceptance_is_withdrawn_from_the_finding_not_deleted_from_the_log(grid, me):
    matrix, acts, roles = grid
    ack = _ack(matrix, me, rule="idle-role", role=roles[2])
    with pytest.raises(errors.InvalidInput, match="withdraw it from the finding's page"):
        services.decision_delete(matrix=Matrix.objects.get(pk=matrix.pk), decision_id=ack.decision)


def test_a_template_saved_from_a_matrix_carries_its_acceptances_to_the_next_matrix(grid, me):
    matrix, acts, roles = grid
    _ack(matrix, me, rule="idle-role", role=roles[2], reason="Consulted on purpose.")
    template = services.template_from_matrix(
        matrix=Matrix.objects.select_related("workspace").get(pk=matrix.pk), name="Ours", stage="scaleup"
    )
    assert template.acknowledgments == [
        {"rule": "idle-role", "role": "GRI2", "activity": None, "person": None, "reason": "Consulted on purpose."}
    ]
    copy = services.matrix_create(workspace=me.workspace, name="Next", actor=me.user, template=template)
    assert _counts(copy) == ({"error": 1, "warning": 1, "info": 0}, 1)
