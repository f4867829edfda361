import pytest
from django.core.management import call_command

from raci.models import ChangeEvent, Matrix, Template, TemplateActivity
from raci.seeding import demo_seed, templates_seed
from raci.selectors import matrix_grid

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
    TemplateActivity.objects.filter(name="Naming").update(letters={"PM": "A", "PMM": "A"})
    assert templates_seed() == ["pm-pmm-scaleup"]
    assert TemplateActivity.objects.get(name="Naming", template__slug="pm-pmm-scaleup").letters == {"PM": "C", "PMM": "AR"}


def test_demo_has_one_deliberate_conflict_and_is_idempotent():
    demo_seed()
    demo_seed()
    matrix = Matrix.objects.get()
    errors = [f for f in matrix_grid(matrix=matrix).findings if f.severity == "error"]
    assert [f.rule for f in errors] == ["multiple-accountable"]
    assert ChangeEvent.objects.filter(kind="cell").count() == 1
