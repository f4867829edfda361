"""Account mail (confirmations, resets, "you already have an account"), sent from a task:
the request that causes one answers as fast whichever mail it is, or whether it is one."""

import logging

from celery import shared_task
from django.core.mail import send_mail

log = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=5, time_limit=60, soft_time_limit=45)
def send_account_mail(self, *, to: str, subject: str, body: str) -> bool:
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[to])
    except Exception as exc:  # a mail server that is down now may take it later
        log.warning("account mail to one address failed: %s", exc)
        if not self.request.is_eager:
            raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from None
        return False
    return True


@shared_task
def accounts_tick() -> dict:
    """Sign-ups not confirmed within their window are removed (freeing their usernames), and
    sign-in events past their keeping time are dropped. Safe to run twice."""
    from accounts import services

    return {
        "sign_ups_expired": services.unconfirmed_sign_ups_expire(),
        "events_pruned": services.sign_in_events_prune(),
    }
