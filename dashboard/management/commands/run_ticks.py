"""Run beat's periodic tasks in this process, for `make run` without Redis: with no broker
there is no worker and no beat, and reminders, digests and rituals would never come due."""

import time

from django.core.management.base import BaseCommand

from config.celery_app import TICK_SECONDS, app


class Command(BaseCommand):
    help = "Run the periodic tasks of Celery beat's schedule in-process, every LOCKSTEP_TICK_SECONDS."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run each periodic task once and stop.")

    def handle(self, *args, once=False, **options):
        app.loader.import_default_modules()
        last: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for name, entry in app.conf.beat_schedule.items():
                if once or now - last.get(name, -1e9) >= float(entry["schedule"]):
                    last[name] = now
                    try:
                        app.tasks[entry["task"]].apply()
                    except Exception as exc:  # one failing task must not stop the others
                        self.stderr.write(f"{name}: {exc}")
            if once:
                return
            time.sleep(min(TICK_SECONDS, 5))
