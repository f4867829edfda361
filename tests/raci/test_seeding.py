import pytest
from django.core.management import call_command

from dashboard.seeding import demo_seed
from raci import services
from raci.models import ChangeEvent, Matrix, Template, TemplateActivity
from raci.seeding import templates_seed
from raci.selectors import matrix_grid
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_seed_templates_is_idempotent(capsys):
    call_command("seed_templates")
    first = capsys.readouterr().out
    snapshot = list(TemplateActivity.objects.order_by("id").values())
    call_command("seed_templates")
    assert "pm-pmm-scaleup" in first
    assert "already up to date" in capsys.readouterr().out
    assert list(TemplateActivity.objects.order_by("id").values()) == snapshot
    assert Template.objects.filter(workspace=None).count() == 3
    assert Template.objects.get(is_default=True).slug == "pm-pmm-scaleup"


def test_seed_templates_restores_an_edited_builtin():
    templates_seed()
    TemplateActivity.objects.filter(name="Naming", template__slug="pm-pmm-scaleup").update(
        letters={"PM": "A", "PMM": "A"}
    )
    assert templates_seed() == ["pm-pmm-scaleup"]
    assert TemplateActivity.objects.get(name="Naming", template__slug="pm-pmm-scaleup").letters == {
        "PMM": "AR",
        "PM": "C",
    }


def test_seed_templates_stores_where_each_letter_comes_from():
    templates_seed()
    readiness = TemplateActivity.objects.get(name="Launch Readiness", template__slug="pm-pmm-scaleup")
    assert readiness.key == "launch-readiness"
    assert readiness.sources["PM"].startswith("“Product Management vs. Product Marketing: Key Differences”: ")
    assert readiness.sources["CS"].startswith("Our default: ") and readiness.our_default
    naming = TemplateActivity.objects.get(name="Naming", template__slug="pm-pmm-scaleup")
    assert naming.our_default == "" and set(naming.sources) == {"PM", "PMM"}


def test_seed_templates_updates_an_old_install_without_touching_teams_matrices():
    member = MembershipFactory(access="admin")
    templates_seed()
    template = Template.objects.get(slug="pm-pmm-scaleup", workspace=None)
    matrix = services.matrix_create(workspace=member.workspace, name="Ours", actor=member.user, template=template)
    # An install from before: the template had a "Pricing" row and no sources.
    TemplateActivity.objects.create(template=template, name="Pricing", phase="build", letters={"PMM": "AR"}, order=99)
    TemplateActivity.objects.filter(template=template).update(sources={}, our_default="")
    before = list(matrix.activities.order_by("id").values("name", "phase", "source", "template_key"))
    assert templates_seed() == ["pm-pmm-scaleup"]
    assert not TemplateActivity.objects.filter(template__slug="pm-pmm-scaleup", name="Pricing").exists()
    assert TemplateActivity.objects.filter(template__slug="pm-pmm-scaleup").exclude(sources={}).count() == 19
    assert list(matrix.activities.order_by("id").values("name", "phase", "source", "template_key")) == before


def test_demo_has_one_deliberate_conflict_and_is_idempotent():
    demo_seed()
    demo_seed()
    matrix = Matrix.objects.get()
    errors = [f for f in matrix_grid(matrix=matrix).findings if f.severity == "error"]
    assert [f.rule for f in errors] == ["multiple-accountable"]
    assert ChangeEvent.objects.filter(kind="cell").count() == 1


@pytest.mark.parametrize("slug", ["pm-pmm-scaleup", "pm-pmm-startup", "pm-pmm-enterprise"])
@pytest.mark.parametrize("access", ["admin", "editor"])
def test_a_matrix_from_each_builtin_template_opens_with_no_finding(slug, access):
    member = MembershipFactory(access=access)
    templates_seed()
    template = Template.objects.get(slug=slug, workspace=None)
    matrix = services.matrix_create(workspace=member.workspace, name="Ours", actor=member.user, template=template)
    grid = matrix_grid(matrix=Matrix.objects.select_related("workspace").get(pk=matrix.pk))
    assert grid.findings == []
    assert matrix.counts == {"error": 0, "warning": 0, "info": 0}
    assert matrix.acknowledged_count == len(grid.accepted)
    for _, ack in grid.accepted:
        assert "“" in ack.reason and ack.by == f"the template “{template.name}”", "names its source article"
        assert matrix.decisions.filter(pk=ack.decision, why=ack.reason).exists()


def test_the_default_templates_sales_role_is_consulted_on_purpose():
    member = MembershipFactory(access="admin")
    templates_seed()
    template = Template.objects.get(is_default=True)
    matrix = services.matrix_create(workspace=member.workspace, name="Ours", actor=member.user, template=template)
    grid = matrix_grid(matrix=Matrix.objects.select_related("workspace").get(pk=matrix.pk))
    [(finding, ack)] = grid.accepted
    assert finding.rule == "idle-role" and grid.column(finding.role).code == "SALES"
    assert ack.reason.startswith("SALES is consulted and informed on purpose")
    assert "“Product Marketing vs Product Management – A Comprehensive Guide”" in ack.reason
