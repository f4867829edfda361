import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_signs_the_new_user_in(client):
    response = client.post(reverse("signup"), {
        "username": "alex", "first_name": "Alex", "email": "alex@example.com",
        "password1": "a long passphrase 42", "password2": "a long passphrase 42"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert get_user_model().objects.get(username="alex").email == "alex@example.com"


def test_sign_up_refuses_an_email_already_in_use(client):
    UserFactory(email="taken@example.com")
    response = client.post(reverse("signup"), {
        "username": "newbie", "email": "TAKEN@example.com",
        "password1": "a long passphrase 42", "password2": "a long passphrase 42"})
    assert response.status_code == 200 and "already uses this e-mail" in response.content.decode()


def test_sign_in_and_out(client):
    UserFactory(username="lee")
    assert client.post(reverse("login"), {"username": "lee", "password": PASSWORD}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "another fine phrase 7", "new_password2": "another fine phrase 7"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another fine phrase 7")


def test_home_lists_workspaces_and_creates_one(client):
    user = UserFactory()
    client.force_login(user)
    assert "No workspace yet" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("raci:workspace_create"), {"name": "Growth"})
    assert response.status_code == 302 and response["Location"] == "/w/growth/"
    assert client.post(reverse("raci:workspace_create"), {"name": ""}).status_code == 422
