"""`manage.py seed_demo`: the demo user and workspace that `make run` shows."""

from django.core.management.base import BaseCommand

from raci.seeding import DEMO_PASSWORD, DEMO_USERNAME, demo_seed


class Command(BaseCommand):
    help = "Create the demo user, workspace and matrix (idempotent)."

    def handle(self, *args, **options):
        workspace = demo_seed()
        self.stdout.write(f"Demo workspace “{workspace.name}” ready. Sign in as {DEMO_USERNAME} / {DEMO_PASSWORD}")
