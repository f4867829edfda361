"""Admins curate the built-in templates in the Django admin."""

import pytest
from django.urls import reverse

from raci.models import Template, TemplateActivity
from raci.seeding import templates_seed

pytestmark = pytest.mark.django_db


def test_templates_are_listed_and_edited_in_the_admin(admin_client):
    templates_seed()
    template = Template.objects.get(slug="pm-pmm-scaleup")
    assert "PM/PMM" in admin_client.get(reverse("admin:raci_template_changelist")).content.decode()
    page = admin_client.get(reverse("admin:raci_template_change", args=[template.pk]))
    assert page.status_code == 200 and "Naming" in page.content.decode()


def test_the_admin_refuses_letters_that_are_not_raci(admin_client):
    from raci.admin import TemplateActivityForm

    templates_seed()
    activity = TemplateActivity.objects.filter(template__slug="pm-pmm-scaleup").first()
    form = TemplateActivityForm(
        instance=activity,
        data={
            "template": activity.template_id,
            "name": activity.name,
            "phase": activity.phase,
            "description": "",
            "order": 0,
            "letters": '{"PM": "X"}',
        },
    )
    assert not form.is_valid() and "Not RACI values" in str(form.errors)
    form = TemplateActivityForm(
        instance=activity,
        data={
            "template": activity.template_id,
            "name": activity.name,
            "phase": activity.phase,
            "description": "",
            "order": 0,
            "letters": '{"pm": "AR"}',
        },
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["letters"] == {"PM": "AR"}
