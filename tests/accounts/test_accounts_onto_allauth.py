"""The data migration that moves people who signed up before allauth: passwords, confirmed
addresses and sessions are kept."""

import importlib

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0002_accounts_onto_allauth")


def before_allauth(**fields):
    user = UserFactory(confirmed_address=False, **fields)
    EmailAddress.objects.filter(user=user).delete()
    return user


def test_people_keep_their_passwords_and_confirmed_addresses(client):
    confirmed = before_allauth(username="ana", email="Ana@Example.com")
    switched_off = before_allauth(username="ben", email="ben@example.com", is_active=False, last_login=timezone.now())
    pending = before_allauth(username="cy", email="cy@example.com", is_active=False)
    migration.forwards(apps, None)

    address = EmailAddress.objects.get(user=confirmed)
    assert (address.email, address.verified, address.primary) == ("ana@example.com", True, True)
    assert EmailAddress.objects.get(user=switched_off).verified
    pending.refresh_from_db()
    assert pending.is_active and not EmailAddress.objects.get(user=pending).verified
    # The password signs in as before, through allauth's page.
    response = client.post(reverse("login"), {"login": "ana", "password": PASSWORD})
    assert response.status_code == 302 and client.get(reverse("home")).status_code == 200


def test_two_accounts_with_one_address_leave_it_confirmed_on_the_one_used_last():
    older = before_allauth(
        username="old", email="same@example.com", last_login=timezone.now() - timezone.timedelta(days=9)
    )
    newer = before_allauth(username="new", email="same@example.com", last_login=timezone.now())
    migration.forwards(apps, None)
    assert EmailAddress.objects.get(user=newer).verified and not EmailAddress.objects.get(user=older).verified


def test_sessions_begun_before_are_kept_and_listed(client):
    user = before_allauth(username="dee")
    client.force_login(user)
    UserSession.objects.all().delete()
    migration.forwards(apps, None)
    assert client.get(reverse("home")).status_code == 200  # still signed in
    [listed] = UserSession.objects.filter(user=user)
    assert listed.session_key == client.session.session_key
    page = client.get(reverse("usersessions_list")).content.decode()
    assert "not recorded" in page and "This browser</span>" in page


def test_running_it_again_changes_nothing():
    before_allauth(username="eve")
    migration.forwards(apps, None)
    migration.forwards(apps, None)
    assert EmailAddress.objects.count() == 1
