"""People who signed up before allauth keep their accounts as they were.

- A confirmed address (an active account, or one an admin switched off after it signed in)
  becomes the account's primary, confirmed allauth address. Where two accounts had the same
  address, the one that signed in last keeps it confirmed.
- A sign-up never confirmed (inactive and never signed in) becomes active with its address
  unconfirmed, as allauth keeps one: it cannot sign in until it confirms, and expires with
  its window (accounts.tasks.accounts_tick).
- Every live session is listed on its owner's sessions page, so "sign out everywhere else"
  reaches the sessions begun before the change too. Passwords and the sessions themselves are
  not touched.
"""

from django.conf import settings
from importlib import import_module

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    confirmed: set[str] = set()
    with_address = set(EmailAddress.objects.values_list("user_id", flat=True))
    for user in User.objects.exclude(email="").order_by("-last_login", "pk").iterator():
        if user.pk in with_address:
            continue
        email = user.email.strip().lower()
        unconfirmed_sign_up = not user.is_active and user.last_login is None
        verified = not unconfirmed_sign_up and email not in confirmed
        if unconfirmed_sign_up:
            User.objects.filter(pk=user.pk).update(is_active=True)
        EmailAddress.objects.create(user_id=user.pk, email=email, verified=verified, primary=True)
        if verified:
            confirmed.add(email)

    Session = apps.get_model("sessions", "Session")
    UserSession = apps.get_model("usersessions", "UserSession")
    users = set(User.objects.values_list("pk", flat=True))
    listed = set(UserSession.objects.values_list("session_key", flat=True))
    # The engine's own store: the data is signed with a salt named after its class.
    decoder = import_module(settings.SESSION_ENGINE).SessionStore()
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key in listed:
            continue
        try:
            user_id = int(decoder.decode(session.session_data).get("_auth_user_id"))
        except (TypeError, ValueError):
            continue
        if user_id in users:
            # Where and with what it began was not recorded: the page says so.
            UserSession.objects.create(
                user_id=user_id, session_key=session.session_key, ip="0.0.0.0", user_agent="", data={}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_sign_in_events"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("usersessions", "0001_initial"),
        ("sessions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
