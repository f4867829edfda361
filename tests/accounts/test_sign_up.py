import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SENT = reverse("account_email_verification_sent")


def sign_up(client, **fields):
    data = {
        "username": "alex",
        "first_name": "Alex",
        "email": "alex@example.com",
        "password1": "a long passphrase 42",
        "password2": "a long passphrase 42",
    } | fields
    return client.post(reverse("account_signup"), data)


def confirm_link(message) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/\S+)", message.body).group(1)


def test_sign_up_mails_a_link_that_confirms_the_address_and_signs_in(client):
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == SENT
    user = get_user_model().objects.get(username="alex")
    assert user.email == "alex@example.com" and user.first_name == "Alex"
    assert not EmailAddress.objects.get(user=user).verified
    [message] = mail.outbox
    assert message.to == ["alex@example.com"] and message.subject == "Confirm your Lockstep account"
    link = confirm_link(message)
    # Until the address is confirmed, the password does not sign in.
    client.post(reverse("login"), {"login": "alex", "password": "a long passphrase 42"})
    assert client.get(reverse("home")).status_code == 302
    # Opening the link (as mail scanners do) confirms nothing; the button does.
    assert "Confirm and sign in" in client.get(link).content.decode()
    assert not EmailAddress.objects.get(user=user).verified
    response = client.post(link)
    assert response.status_code == 302 and client.get(reverse("home")).status_code == 200
    assert EmailAddress.objects.get(user=user).verified


def test_sign_up_with_an_address_that_has_an_account_looks_the_same_and_mails_that_address(client):
    UserFactory(username="taken", email="taken@example.com")
    response = sign_up(client, username="newbie", email="TAKEN@example.com")
    assert response.status_code == 302 and response["Location"] == SENT
    assert not get_user_model().objects.filter(username="newbie").exists()
    [message] = mail.outbox
    assert message.to == ["taken@example.com"] and "already has an account" in message.body
    assert "http://testserver/accounts/password/reset/" in message.body


def test_a_second_sign_up_for_an_unconfirmed_address_replaces_the_first(client):
    sign_up(client, username="first")
    sign_up(client, username="second")
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["second"]
    assert "expired or was used" in client.get(confirm_link(mail.outbox[0])).content.decode()
    assert client.post(confirm_link(mail.outbox[1])).status_code == 302


def test_sign_up_again_with_the_same_unconfirmed_username_and_address_is_allowed(client):
    sign_up(client)
    assert sign_up(client).status_code == 302
    assert get_user_model().objects.filter(username="alex").count() == 1 and len(mail.outbox) == 2


def test_a_taken_username_is_refused_at_the_field(client):
    UserFactory(username="alex")
    response = sign_up(client, username="ALEX")
    assert response.status_code == 200 and "username is taken" in response.content.decode()


def test_an_unconfirmed_username_is_not_taken_over_with_another_address(client):
    sign_up(client)
    response = sign_up(client, email="someone-else@example.com")
    assert "username is taken" in response.content.decode()


@pytest.mark.parametrize(
    "password, words",
    [
        ("lockstep", "site"),
        ("short1", "too short"),
        ("password123", "too common"),
        ("4815162342", "entirely numeric"),
        ("alexandria7", "too similar"),
    ],
)
def test_sign_up_applies_every_password_rule(client, password, words):
    response = sign_up(client, username="alexandria7", password1=password, password2=password)
    assert response.status_code == 200 and words in response.content.decode()
    assert not get_user_model().objects.exists() and not mail.outbox


def test_an_expired_confirmation_link_says_so(client, settings):
    sign_up(client)
    link = confirm_link(mail.outbox[0])
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 0
    response = client.get(link)
    assert response.status_code == 200 and "expired" in response.content.decode()
    assert "Confirm and sign in" not in response.content.decode()


def test_sign_up_mails_to_one_address_are_capped(client, settings):
    settings.MAILS_PER_ADDRESS_HOUR = 2
    for _ in range(3):
        assert sign_up(client).status_code == 302
    assert len(mail.outbox) == 2


def test_sign_in_and_out(client):
    UserFactory(username="lee")
    assert client.post(reverse("login"), {"login": "lee", "password": PASSWORD}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "another fine phrase 7", "password2": "another fine phrase 7"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another fine phrase 7")


def test_password_change_applies_the_password_rules(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": "lockstep", "password2": "lockstep"}
    )
    assert response.status_code == 200 and "site" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_home_lists_workspaces_and_creates_one(client):
    user = UserFactory()
    client.force_login(user)
    assert "No workspace yet" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("workspaces:workspace_create"), {"name": "Growth"})
    assert response.status_code == 302 and response["Location"] == "/w/growth/"
    assert client.post(reverse("workspaces:workspace_create"), {"name": ""}).status_code == 422
