"""`manage.py seed_demo`: the demo user and workspace that `make run` shows."""

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from dashboard.seeding import DEMO_PASSWORD, DEMO_USERNAME, demo_seed

# The demo's colleagues are told about the work it hands them, in their bells; their
# addresses are made up, so nothing is e-mailed while seeding.
QUIET = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


class Command(BaseCommand):
    help = "Create the demo user, workspace and matrix (idempotent)."

    def handle(self, *args, **options):
        with override_settings(MAILERS=QUIET):
            workspace = demo_seed()
        self.stdout.write(f"Demo workspace “{workspace.name}” ready. Sign in as {DEMO_USERNAME} / {DEMO_PASSWORD}")
