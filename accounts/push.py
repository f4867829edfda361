"""What ends a person's sessions ends their open streams (core.push) in every stream process:
a page left open stops receiving changes within seconds, not at its next poll.

- Signing out (this session): `user_logged_out`.
- Signing out everywhere else: `accounts.adapter.SessionsAdapter.end_sessions`.
- A new password: every other session was signed in with the old one and is ended at its
  next request (Django checks the session against the password's hash), so its streams end
  now; the session that changed it stays signed in, and its pages reload as they were.
- An account deactivated: none of its sessions may go on.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import pre_save
from django.dispatch import receiver

from core import push


@receiver(user_logged_out, dispatch_uid="push-close-on-sign-out")
def close_streams_on_sign_out(sender, request, user, **kwargs):
    if user is not None:
        push.access_changed(person_id=user.pk)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="push-close-on-new-password")
def close_streams_when_sessions_end(sender, instance, update_fields=None, raw=False, **kwargs):
    """Published once the save commits (nothing for a save rolled back). Without pushed
    changes no stream is open, and the old row is not read."""
    if raw or instance.pk is None or not push.enabled():
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    old = sender._default_manager.filter(pk=instance.pk).values_list("password", "is_active").first()
    if old is None:
        return
    password, active = old
    if password != instance.password or (active and not instance.is_active):
        push.access_changed(person_id=instance.pk)
