"""Sign-ups not confirmed within their window are removed, which frees their usernames."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts import services, tasks
from config.celery_app import app
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sign_up(client, username="alex", email="alex@example.com"):
    return client.post(
        reverse("account_signup"),
        {
            "username": username,
            "email": email,
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
        },
    )


def age(username: str, days: float) -> None:
    get_user_model().objects.filter(username=username).update(date_joined=timezone.now() - timedelta(days=days))


def test_an_unconfirmed_sign_up_past_its_window_goes_and_frees_its_username(client, settings):
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
    sign_up(client)
    age("alex", 3.01)
    assert tasks.accounts_tick()["sign_ups_expired"] == 1
    assert not get_user_model().objects.filter(username="alex").exists()
    # Someone else may now take the name.
    assert sign_up(client, email="other@example.com")["Location"] == reverse("account_email_verification_sent")
    assert get_user_model().objects.get(username="alex").email == "other@example.com"


def test_one_still_in_its_window_stays(client, settings):
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
    sign_up(client)
    age("alex", 2.9)
    assert services.unconfirmed_sign_ups_expire() == 0
    assert get_user_model().objects.filter(username="alex").exists()


def test_confirmed_accounts_and_accounts_without_an_address_record_stay(settings):
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
    UserFactory(username="confirmed")
    UserFactory(username="made-by-an-admin", confirmed_address=False)
    UserFactory(username="no-address", email="", confirmed_address=False)
    for name in ("confirmed", "made-by-an-admin", "no-address"):
        age(name, 30)
    assert services.unconfirmed_sign_ups_expire() == 0
    assert get_user_model().objects.count() == 3


def test_the_beat_schedule_runs_it():
    assert app.conf.beat_schedule["accounts"]["task"] == "accounts.tasks.accounts_tick"
