"""Background work for rituals. Beat sends the tick (config/celery_app.py); it looks in the
database for what is due and is safe to run twice."""

import logging

from celery import shared_task

from rituals import services
from rituals.reminders import rituals_soon_tick

log = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def rituals_tick() -> dict:
    """Plan the next meeting of every active ritual; a tiering that came due opens the next
    quarter's launch cycle."""
    result = services.rituals_tick()
    for cycle in result.opened:
        log.info("tiering opened %s in workspace %s", cycle.name, cycle.workspace_id)
    return {"created": result.created, "opened": [f"{c.workspace_id}:{c.slug}" for c in result.opened]}


@shared_task(acks_late=True, time_limit=240, soft_time_limit=200)
def ritual_reminders_tick() -> int:
    """Tomorrow's meetings, to their owner role's holders and attendees."""
    return rituals_soon_tick()
