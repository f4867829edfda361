"""What ends a person's sessions closes their open streams: signing out, a new password and
a deactivated account each tell the person's streams once the change commits; any other
save of the account tells them nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from core import push
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(settings, monkeypatch):
    """The people whose streams were told their access changed (pushed changes on)."""
    settings.PUSH_REDIS_URL = "redis://127.0.0.1:6379/15"
    people: list[int] = []

    def publish(channel, message):
        assert message["kind"] == "access"
        people.append(int(channel.rsplit(":", 1)[1]))

    monkeypatch.setattr(push, "publish", publish)
    return people


def test_a_new_password_closes_the_person_s_streams(told, django_capture_on_commit_callbacks):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": "another fine phrase 7", "password2": "another fine phrase 7"},
        )
    assert response.status_code == 302 and told == [user.pk]


def test_a_deactivated_account_closes_the_person_s_streams(told, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        user.is_active = False
        user.save(update_fields=["is_active"])
    assert told == [user.pk]


def test_signing_out_closes_the_person_s_streams(told, client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("logout")).status_code == 302
    assert told == [user.pk]


def test_another_save_of_the_account_tells_nobody(told, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        user.first_name = "Lee"
        user.save()
        user.save(update_fields=["last_login"])
    assert told == []
