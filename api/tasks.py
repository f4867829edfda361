"""Telling a person a token was made for them: if it was not them, they can revoke it."""

import logging

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from api.models import ApiToken
from core.links import absolute

log = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=3, time_limit=60, soft_time_limit=45)
def mail_token_created(self, token_id: int) -> bool:
    token = ApiToken.objects.select_related("user", "workspace").filter(pk=token_id).first()
    if token is None or not token.user.email:
        return False
    context = {"token": token, "link": absolute(reverse("api_tokens:tokens"))}
    try:
        send_mail(
            subject=f"[{token.workspace.name}] A new API token: {token.name}",
            message=render_to_string("api/email/token_created.txt", context),
            from_email=None,
            recipient_list=[token.user.email],
        )
    except Exception as exc:
        log.warning("e-mail for token %s failed: %s", token_id, exc)
        if not self.request.is_eager:
            raise self.retry(exc=exc, countdown=60) from exc
        return False
    return True
