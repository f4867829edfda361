"""The Celery application; beat's schedule is kept here, in code.

Beat only sends ticks: each periodic task looks in the database for what is due and is
safe to run twice, so a missed or doubled tick costs nothing.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("lockstep")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

TICK_SECONDS = float(os.environ.get("LOCKSTEP_TICK_SECONDS", "60"))

app.conf.beat_schedule = {
    # Letters changed, readiness items due or overdue, decisions and matrices due for review.
    "notifications": {"task": "raci.tasks.notifications_tick", "schedule": TICK_SECONDS},
    # Readiness items due in 2 days or overdue, to their owners.
    "readiness": {"task": "launches.reminders.readiness_reminders_tick", "schedule": TICK_SECONDS},
    # Open readiness items take the owners their matrix gives after it changed.
    "checklist-owners": {"task": "launches.tasks.checklist_owners_tick", "schedule": TICK_SECONDS},
    # Daily and weekly digests of the notifications people asked to get in one e-mail.
    "digests": {"task": "notifications.tasks.digests_tick", "schedule": max(TICK_SECONDS, 15 * 60)},
    # Hand-overs of launches not accepted in time: dropped batons, to both people.
    "dropped-batons": {"task": "launches.tasks.dropped_batons_tick", "schedule": TICK_SECONDS},
    # Ritual occurrences, and the quarterly tiering opening the next launch cycle.
    "rituals": {"task": "rituals.tasks.rituals_tick", "schedule": TICK_SECONDS},
    # Sign-ups not confirmed in time free their usernames; old sign-in events are dropped.
    "accounts": {"task": "accounts.tasks.accounts_tick", "schedule": max(TICK_SECONDS, 15 * 60)},
}
