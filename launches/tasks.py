"""Periodic work for launches that beat ticks (see config/celery_app.py)."""

from celery import shared_task

from launches import services


@shared_task(acks_late=True, time_limit=240, soft_time_limit=200)
def checklist_owners_tick() -> int:
    """Open readiness items follow their matrix's owners after it changed."""
    return services.checklist_owners_follow()
