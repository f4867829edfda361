"""Sign-up and password reset take the same path whether or not an account has the address:
one password hash and one mail handed to a task, either way. (The test hasher is fast, so
the structure is asserted, not the time.)"""

from unittest import mock

import pytest
from django.contrib.auth.hashers import get_hasher
from django.urls import reverse

from accounts import tasks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(monkeypatch):
    """How many passwords were hashed and how many mails were queued."""
    counts = {"hashes": 0, "mails": []}
    hasher = type(get_hasher())
    encode = hasher.encode

    def counting_encode(self, password, salt, *args, **kwargs):
        counts["hashes"] += 1
        return encode(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(hasher, "encode", counting_encode)
    monkeypatch.setattr(tasks.send_account_mail, "delay", lambda **kw: counts["mails"].append(kw))
    return counts


def sign_up(client, **fields):
    data = {
        "username": "alex",
        "first_name": "Alex",
        "email": "alex@example.com",
        "password1": "a long passphrase 42",
        "password2": "a long passphrase 42",
    } | fields
    return client.post(reverse("account_signup"), data)


def test_sign_up_hashes_once_and_queues_one_mail_for_a_new_address(client, counted):
    response = sign_up(client)
    assert response["Location"] == reverse("account_email_verification_sent")
    assert counted["hashes"] == 1 and [m["to"] for m in counted["mails"]] == ["alex@example.com"]


def test_sign_up_hashes_once_and_queues_one_mail_for_a_taken_address(client, counted):
    UserFactory(username="taken", email="alex@example.com")
    counted["hashes"] = 0
    response = sign_up(client, username="newbie")
    assert response["Location"] == reverse("account_email_verification_sent")
    assert counted["hashes"] == 1 and [m["to"] for m in counted["mails"]] == ["alex@example.com"]
    assert "already has an account" in counted["mails"][0]["body"]


@pytest.mark.parametrize("has_account", [True, False])
def test_reset_queues_one_mail_and_sends_none_in_the_request(client, counted, has_account):
    if has_account:
        UserFactory(email="lee@example.com")
    counted["hashes"] = 0
    with mock.patch("django.core.mail.EmailMessage.send") as sent_now:
        response = client.post(reverse("account_reset_password"), {"email": "lee@example.com"})
    assert response["Location"] == reverse("account_reset_password_done")
    assert not sent_now.called and counted["hashes"] == 0
    assert [m["to"] for m in counted["mails"]] == ["lee@example.com"]
