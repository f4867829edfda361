"""The three default rituals ("The GTM Framework", docs/sources.md) for every workspace that exists already; new workspaces
get them when they are created (services.rituals_seed_defaults)."""

from django.db import migrations
from django.utils import timezone

from raci.builtin_templates import BUILTIN_TEMPLATES, DEFAULT_TEMPLATE_SLUG
from rituals import cadence as rituals


def add_default_rituals(apps, schema_editor):
    # Historical models: the services cannot be used here, so this mirrors rituals_seed_defaults.
    Workspace = apps.get_model("raci", "Workspace")
    Role = apps.get_model("raci", "Role")
    Ritual = apps.get_model("launches", "Ritual")
    today = timezone.localdate()
    specs = [
        r for t in BUILTIN_TEMPLATES if t.slug == DEFAULT_TEMPLATE_SLUG for r in t.roles if r.code in ("PM", "PMM")
    ]
    for workspace in Workspace.objects.all():
        roles = {r.code.upper(): r for r in Role.objects.filter(workspace=workspace)}
        for spec in specs:
            if spec.code not in roles:
                name = spec.name
                if Role.objects.filter(workspace=workspace, name__iexact=name).exists():
                    name = f"{name} ({spec.code})"
                roles[spec.code] = Role.objects.create(
                    workspace=workspace, code=spec.code, name=name, description=spec.description
                )
        have = set(Ritual.objects.filter(workspace=workspace).values_list("key", flat=True))
        for spec in rituals.DEFAULT_RITUALS:
            if spec.key in have:
                continue
            ritual = Ritual.objects.create(
                workspace=workspace,
                key=spec.key,
                name=spec.name,
                description=spec.description,
                cadence=spec.cadence,
                starts_on=rituals.default_start(spec, today),
                time_of_day=spec.at,
                owner_role=roles[spec.owner_code],
                agenda=[s.as_json() for s in spec.agenda],
                opens_next_cycle=spec.opens_next_cycle,
            )
            ritual.attendee_roles.set([roles[c] for c in spec.attendee_codes])


class Migration(migrations.Migration):
    dependencies = [
        ("launches", "0004_rituals"),
    ]

    operations = [
        migrations.RunPython(add_default_rituals, migrations.RunPython.noop),
    ]
