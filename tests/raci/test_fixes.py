"""Each fix of a finding: the letters it writes, its record in the history, its undo."""

import pytest

from core import errors as core_errors
from raci import fixes, services
from raci.models import Activity, Cell, ChangeEvent, Column, Template
from raci.rules import RULE_CODES, ActivityData, Finding, MatrixData, RoleData
from raci.seeding import templates_seed
from raci.selectors import matrix_grid
from tests.factories import MembershipFactory, build_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(access="editor")


def _row(matrix, activity):
    codes = {c.role_id: c.code for c in matrix_grid(matrix=matrix, check=False).columns}
    return {
        codes[r]: v
        for r, v in Cell.objects.filter(activity=activity, role_id__in=codes)
        .exclude(value="")
        .values_list("role_id", "value")
    }


def _apply_then_undo(member, matrix, activity, *, rule, code, expected, role=None):
    before = _row(matrix, activity) if activity else None
    result = services.fix_apply(
        matrix=matrix,
        rule=rule,
        activity_id=activity.pk if activity else None,
        role_id=role.pk if role else None,
        code=code,
        since=matrix.last_seq,
        actor=member.user,
    )
    if activity is not None:
        assert _row(matrix, activity) == expected
    events = ChangeEvent.objects.filter(matrix=matrix, group=result.group)
    assert events.exists() and {e.group_label for e in events} == {result.label}
    assert result.label.startswith("Fix: ")
    services.group_undo(matrix=matrix, group=result.group, actor=member.user)
    if activity is not None:
        assert _row(matrix, activity) == before
    return result


def test_make_one_role_the_single_accountable(member):
    matrix, acts, roles = build_matrix(
        member.workspace,
        activities=3,
        roles=3,
        letters={(0, 0): "A", (0, 1): "AR", (0, 2): "A", (1, 0): "AR", (2, 0): "AR"},
    )
    result = _apply_then_undo(
        member,
        matrix,
        acts[0],
        rule="multiple-accountable",
        code=f"single:{roles[1].pk}",
        expected={"GRI0": "C", "GRI1": "AR", "GRI2": "C"},
    )
    assert result.label == "Fix: Make GRI1 the single A (the others R or C)"


def test_a_demoted_a_r_keeps_doing_the_work(member):
    matrix, acts, roles = build_matrix(
        member.workspace, activities=3, roles=2, letters={(0, 0): "AR", (0, 1): "AR", (1, 0): "AR", (2, 0): "AR"}
    )
    _apply_then_undo(
        member,
        matrix,
        acts[0],
        rule="multiple-accountable",
        code=f"single:{roles[0].pk}",
        expected={"GRI0": "AR", "GRI1": "R"},
    )


def test_make_a_role_accountable_turns_its_r_into_a_r(member):
    matrix, acts, roles = build_matrix(
        member.workspace, activities=3, roles=2, letters={(0, 0): "R", (0, 1): "C", (1, 0): "AR", (2, 0): "AR"}
    )
    _apply_then_undo(
        member,
        matrix,
        acts[0],
        rule="no-accountable",
        code=f"accountable:{roles[0].pk}",
        expected={"GRI0": "AR", "GRI1": "C"},
    )
    _apply_then_undo(
        member,
        matrix,
        acts[0],
        rule="no-accountable",
        code=f"accountable:{roles[1].pk}",
        expected={"GRI0": "R", "GRI1": "A"},
    )


def test_too_many_responsible_makes_the_extra_ones_c(member):
    letters = {(0, i): "R" for i in range(5)} | {(0, 0): "AR", (1, 0): "AR", (2, 0): "AR"}
    matrix, acts, roles = build_matrix(member.workspace, activities=3, roles=5, letters=letters)
    result = _apply_then_undo(
        member,
        matrix,
        acts[0],
        rule="too-many-responsible",
        code="narrow:C",
        expected={"GRI0": "AR", "GRI1": "R", "GRI2": "R", "GRI3": "C", "GRI4": "C"},
    )
    assert result.label == "Fix: Make GRI3 and GRI4 C"


def test_too_many_consulted_makes_the_extra_ones_i(member):
    letters = {(0, i): "C" for i in range(1, 7)} | {(0, 0): "AR", (1, 0): "AR", (2, 0): "AR"}
    matrix, acts, roles = build_matrix(member.workspace, activities=3, roles=7, letters=letters)
    _apply_then_undo(
        member,
        matrix,
        acts[0],
        rule="too-many-consulted",
        code="narrow:I",
        expected={"GRI0": "AR", "GRI1": "C", "GRI2": "C", "GRI3": "C", "GRI4": "C", "GRI5": "I", "GRI6": "I"},
    )


def test_no_responsible_lets_the_owner_do_the_work(member):
    matrix, acts, roles = build_matrix(
        member.workspace, activities=3, roles=2, letters={(0, 0): "A", (1, 0): "AR", (2, 0): "AR"}
    )
    _apply_then_undo(
        member, matrix, acts[0], rule="no-responsible", code=f"doer:{roles[0].pk}", expected={"GRI0": "AR"}
    )


def test_remove_an_idle_column_and_undo_brings_it_back_with_its_letters(member):
    matrix, acts, roles = build_matrix(
        member.workspace, activities=3, roles=2, letters={(0, 0): "AR", (1, 0): "AR", (2, 0): "AR", (0, 1): "I"}
    )
    result = services.fix_apply(
        matrix=matrix,
        rule="idle-role",
        activity_id=None,
        role_id=roles[1].pk,
        code="remove",
        since=matrix.last_seq,
        actor=member.user,
    )
    assert not Column.objects.filter(matrix=matrix, role=roles[1]).exists()
    assert ChangeEvent.objects.get(matrix=matrix, group=result.group).kind == "column.remove"
    services.group_undo(matrix=matrix, group=result.group, actor=member.user)
    assert _row(matrix, acts[0]) == {"GRI0": "AR", "GRI1": "I"}


def test_a_fix_on_a_row_that_changed_since_the_preview_is_refused_with_what_changed(member):
    matrix, acts, roles = build_matrix(
        member.workspace, activities=3, roles=3, letters={(0, 0): "A", (0, 1): "A", (1, 0): "AR", (2, 0): "AR"}
    )
    since = matrix.last_seq
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[2].pk, value="A", expected_version=0, actor=member.user
    )
    with pytest.raises(core_errors.StaleChanges) as refused:
        services.fix_apply(
            matrix=matrix,
            rule="multiple-accountable",
            activity_id=acts[0].pk,
            role_id=None,
            code=f"single:{roles[0].pk}",
            since=since,
            actor=member.user,
        )
    assert "Activity 0 × GRI2 to A" in refused.value.changes[0]
    assert _row(matrix, acts[0]) == {"GRI0": "A", "GRI1": "A", "GRI2": "A"}


def test_a_fix_for_a_finding_that_is_gone_is_refused(member):
    matrix, acts, roles = build_matrix(member.workspace, activities=3, roles=2)
    with pytest.raises(core_errors.InvalidInput, match="gone"):
        services.fix_apply(
            matrix=matrix,
            rule="no-accountable",
            activity_id=acts[0].pk,
            role_id=None,
            code=f"accountable:{roles[0].pk}",
            since=matrix.last_seq,
            actor=member.user,
        )


def test_hand_over_an_overloaded_roles_a(member):
    letters = {(i, 0): "AR" for i in range(8)} | {(i, 1): "R" for i in range(8)} | {(i, 2): "C" for i in range(8)}
    matrix, acts, roles = build_matrix(member.workspace, activities=8, roles=3, letters=letters)
    result = services.role_handover(
        matrix=matrix,
        role_id=roles[0].pk,
        since=matrix.last_seq,
        actor=member.user,
        moves={acts[0].pk: roles[1].pk, acts[1].pk: roles[2].pk},
    )
    assert _row(matrix, acts[0]) == {"GRI0": "R", "GRI1": "AR", "GRI2": "C"}
    assert _row(matrix, acts[1]) == {"GRI0": "R", "GRI1": "R", "GRI2": "A"}
    services.group_undo(matrix=matrix, group=result.group, actor=member.user)
    assert _row(matrix, acts[1]) == {"GRI0": "AR", "GRI1": "R", "GRI2": "C"}


# --- the fixes that take the template's letters ---------------------------------------------


@pytest.fixture
def from_template(member):
    templates_seed()
    template = Template.objects.get(slug="pm-pmm-scaleup", workspace=None)
    matrix = services.matrix_create(workspace=member.workspace, name="Core", actor=member.user, template=template)
    return matrix, matrix_grid(matrix=matrix, check=False)


def _clear(member, matrix, cells):
    services.cells_set(
        matrix=matrix, actor=member.user, label="Clear", changes=[services.CellChange(a, r, "") for a, r in cells]
    )


def _column(matrix, role_id):
    return dict(
        Cell.objects.filter(activity__matrix=matrix, role_id=role_id)
        .exclude(value="")
        .values_list("activity__name", "value")
    )


def test_give_an_idle_role_the_templates_letters_then_undo(member, from_template):
    matrix, grid = from_template
    ux = next(c for c in grid.columns if c.code == "UX")
    template_letters = _column(matrix, ux.role_id)
    doing = [(a, r) for (a, r), (v, _) in grid.cells.items() if r == ux.role_id and v in ("R", "A", "AR")]
    assert doing, "the template gives UX some work"
    _clear(member, matrix, doing)
    idle = _column(matrix, ux.role_id)
    assert not any(v in ("R", "A", "AR") for v in idle.values())
    assert any(f.rule == "idle-role" and f.role == ux.role_id for f in matrix_grid(matrix=matrix).findings)
    result = services.fix_apply(
        matrix=matrix,
        rule="idle-role",
        activity_id=None,
        role_id=ux.role_id,
        code="template",
        since=matrix.last_seq,
        actor=member.user,
    )
    assert _column(matrix, ux.role_id) == template_letters
    assert result.label == "Fix: Give UX the template's letters"
    events = ChangeEvent.objects.filter(matrix=matrix, group=result.group)
    assert events.count() == len(doing) and {e.kind for e in events} == {"cell"}
    assert {e.group_label for e in events} == {result.label}
    matrix.refresh_from_db()
    assert not any(f.rule == "idle-role" and f.role == ux.role_id for f in matrix_grid(matrix=matrix).findings)
    services.group_undo(matrix=matrix, group=result.group, actor=member.user)
    assert _column(matrix, ux.role_id) == idle


def test_fill_an_empty_activity_from_the_template_then_undo(member, from_template):
    matrix, grid = from_template
    naming = next(a for a in grid.activities if a.name == "Naming")
    template_row = _row(matrix, naming.id)
    assert template_row
    _clear(member, matrix, [(naming.id, c.role_id) for c in grid.columns])
    assert _row(matrix, naming.id) == {}
    assert any(f.rule == "empty-activity" and f.activity == naming.id for f in matrix_grid(matrix=matrix).findings)
    result = _apply_then_undo(
        member,
        matrix,
        Activity.objects.get(pk=naming.id),
        rule="empty-activity",
        code="template",
        expected=template_row,
    )
    assert result.label == "Fix: Fill from the template"
    assert ChangeEvent.objects.filter(matrix=matrix, group=result.group).count() == len(template_row)


def test_an_empty_activity_the_template_does_not_have_offers_no_template_fix(member, from_template):
    matrix, _ = from_template
    added = services.activity_add(matrix=matrix, name="Our own ritual", phase="launch", actor=member.user)
    with pytest.raises(core_errors.InvalidInput, match="does not apply"):
        services.fix_apply(
            matrix=matrix,
            rule="empty-activity",
            activity_id=added.pk,
            role_id=None,
            code="template",
            since=matrix.last_seq,
            actor=member.user,
        )
    assert _row(matrix, added.pk) == {}


# --- the fixes offered (raci.fixes, no database) ----------------------------------------------


def _data(letters: dict[tuple[int, str], str], roles=("PM", "PMM", "ENG")) -> MatrixData:
    return MatrixData(
        activities=[ActivityData(0, "Pricing")], roles=[RoleData(code, code) for code in roles], cells=letters
    )


def test_every_rule_says_why_it_matters():
    assert set(fixes.WHY) == set(RULE_CODES) and all(len(text) > 40 for text in fixes.WHY.values())


def test_no_accountable_suggests_the_templates_a_first():
    data = _data({(0, "PM"): "R", (0, "ENG"): "C"})
    finding = Finding("no-accountable", "error", "", "", activity=0)
    template = fixes.TemplateLetters({"pricing": {"PMM": "AR", "PM": "C"}})
    offered = fixes.fixes_for(finding, data, template=template)
    assert [f.label for f in offered] == [
        "Make PMM accountable (as in the template)",
        "Make PM accountable",
        "Make ENG accountable",
    ]
    assert offered[0].changes == ((0, "PMM", "", "A"),)
    # Without a template, the role doing the work comes first.
    assert fixes.fixes_for(finding, data)[0].label == "Make PM accountable"


def test_multiple_accountable_offers_the_templates_owner_first_then_the_split():
    data = _data({(0, "PM"): "A", (0, "PMM"): "A"})
    finding = Finding("multiple-accountable", "error", "", "", activity=0)
    offered = fixes.fixes_for(finding, data, template=fixes.TemplateLetters({"pricing": {"PMM": "AR"}}))
    assert [f.code for f in offered] == ["single:PMM", "single:PM", "split"]
    assert offered[-1].form == "split" and not offered[-1].is_change
