"""Built-in templates and the demo workspace that `make run` starts with."""

from django.db import transaction

from raci import services
from raci.builtin_templates import (
    BUILTIN_TEMPLATES,
    DEFAULT_TEMPLATE_SLUG,
    TemplateSpec,
)
from raci.models import Template, TemplateActivity, TemplateRole


def _template_state(template: Template) -> tuple:
    roles = [(r.code, r.name, r.description, r.held_by_creator) for r in template.roles.all()]
    activities = [
        (a.name, a.phase, a.description, a.letters, a.key, a.sources, a.our_default) for a in template.activities.all()
    ]
    return (
        template.name,
        template.stage,
        template.description,
        template.is_default,
        roles,
        activities,
        template.acknowledgments,
    )


def _spec_state(spec: TemplateSpec) -> tuple:
    roles = [(r.code, r.name, r.description, r.held_by_creator) for r in spec.roles]
    activities = [
        (a.name, a.phase, a.description, dict(a.letters), a.key, a.sources, a.our_default) for a in spec.activities
    ]
    acknowledgments = [a.as_json() for a in spec.acknowledgments]
    return (
        spec.name,
        spec.stage,
        spec.description,
        spec.slug == DEFAULT_TEMPLATE_SLUG,
        roles,
        activities,
        acknowledgments,
    )


@transaction.atomic
def templates_seed() -> list[str]:
    """Create or update the built-in templates; returns the slugs that changed, so that a
    second run changes (and reports) nothing. Only the built-in templates (no workspace)
    are touched: teams' matrices are copies and keep what they have."""
    changed = []
    for spec in BUILTIN_TEMPLATES:
        template = Template.objects.filter(workspace__isnull=True, slug=spec.slug).first()
        if template is not None and _template_state(template) == _spec_state(spec):
            continue
        if template is None:
            template = Template(slug=spec.slug)
        template.name, template.stage, template.description = spec.name, spec.stage, spec.description
        template.is_default = spec.slug == DEFAULT_TEMPLATE_SLUG
        template.acknowledgments = [a.as_json() for a in spec.acknowledgments]
        template.save()
        template.roles.all().delete()
        template.activities.all().delete()
        TemplateRole.objects.bulk_create(
            [
                TemplateRole(
                    template=template,
                    code=r.code,
                    name=r.name,
                    description=r.description,
                    held_by_creator=r.held_by_creator,
                    order=i,
                )
                for i, r in enumerate(spec.roles)
            ]
        )
        TemplateActivity.objects.bulk_create(
            [
                TemplateActivity(
                    template=template,
                    name=a.name,
                    phase=a.phase,
                    description=a.description,
                    letters=dict(a.letters),
                    key=a.key,
                    sources=a.sources,
                    our_default=a.our_default,
                    order=i,
                )
                for i, a in enumerate(spec.activities)
            ]
        )
        services.template_snapshot(template=template)
        changed.append(spec.slug)
    return changed
