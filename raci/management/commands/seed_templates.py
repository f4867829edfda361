"""`manage.py seed_templates`: create or update the built-in templates (idempotent)."""

from django.core.management.base import BaseCommand

from raci.seeding import templates_seed


class Command(BaseCommand):
    help = "Create or update the built-in PM/PMM templates. Running it twice changes nothing the second time."

    def handle(self, *args, **options):
        changed = templates_seed()
        if changed:
            self.stdout.write(f"Templates created or updated: {', '.join(changed)}")
        else:
            self.stdout.write("Templates already up to date.")
