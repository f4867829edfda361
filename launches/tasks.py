"""Periodic work for launches that beat ticks (see config/celery_app.py)."""

from celery import shared_task
from django.db import transaction

from launches import services


@shared_task(acks_late=True, time_limit=240, soft_time_limit=200)
def checklist_owners_tick() -> int:
    """Open readiness items follow their matrix's owners after it changed."""
    return services.checklist_owners_follow()


@shared_task(acks_late=True, time_limit=240, soft_time_limit=200)
def dropped_batons_tick() -> int:
    """Hand-overs nobody accepted in time (dropped batons), to both people, once."""
    from launches import relay_notify

    with transaction.atomic():
        return relay_notify.dropped_batons_tick()
