"""Signing out ends the person's open streams (core.push) in every stream process: a page
left open after signing out stops receiving changes within seconds, not at its next poll."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from core import push


@receiver(user_logged_out, dispatch_uid="push-close-on-sign-out")
def close_streams_on_sign_out(sender, request, user, **kwargs):
    if user is not None:
        push.access_changed(person_id=user.pk)
