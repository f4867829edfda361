from django.db import migrations, models

from rituals import cadence as rituals


def defaults_by_weekday(apps, schema_editor):
    """The monthly and quarterly defaults meet on a weekday of the month (the Roadmap Review
    on the first Tuesday), as rituals_seed_defaults makes them now."""
    Ritual = apps.get_model("launches", "Ritual")
    keys = [spec.key for spec in rituals.DEFAULT_RITUALS if spec.by_weekday]
    Ritual.objects.filter(key__in=keys).update(by_weekday=True)


class Migration(migrations.Migration):
    dependencies = [
        ("launches", "0005_default_rituals"),
    ]

    operations = [
        migrations.AddField(
            model_name="ritual",
            name="by_weekday",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(defaults_by_weekday, migrations.RunPython.noop),
    ]
