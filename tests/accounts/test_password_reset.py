"""Password reset by e-mail: same answer for every address, absolute links, allowance, rules."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def ask(client, email):
    return client.post(reverse("account_reset_password"), {"email": email})


def reset_path(message) -> str:
    return re.search(r"https://lockstep\.example\.com(/accounts/password/reset/key/\S+)", message.body).group(1)


def test_sign_in_links_to_the_reset_page(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("account_reset_password")}"' in html and "Forgot your password?" in html
    page = client.get(reverse("account_reset_password"))
    assert page.status_code == 200 and "Reset your password" in page.content.decode()
    assert 'href="/static/css/app.css"' in page.content.decode()  # our look, not allauth's bare one


def test_the_reset_mail_links_from_site_url(client, settings):
    settings.SITE_URL = "https://lockstep.example.com/"
    UserFactory(username="lee", email="lee@example.com")
    response = ask(client, "LEE@example.com")
    assert response.status_code == 302 and response["Location"] == reverse("account_reset_password_done")
    [message] = mail.outbox
    assert message.to == ["lee@example.com"] and message.subject == "Reset your Lockstep password"
    assert reset_path(message).startswith("/accounts/password/reset/key/") and "testserver" not in message.body


def test_an_unknown_address_gets_the_same_answer_and_a_mail_saying_no_account_has_it(client):
    UserFactory(email="lee@example.com")
    known, unknown = ask(client, "lee@example.com"), ask(client, "nobody@example.com")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["lee@example.com"], ["nobody@example.com"]]
    assert "No account has it" in mail.outbox[1].body and "password" not in mail.outbox[1].body.split("\n")[-3]
    done = client.get(known["Location"]).content.decode()
    assert "If an account has that address" in done


def test_the_link_sets_a_new_password_once_and_applies_the_rules(client, settings):
    settings.SITE_URL = "https://lockstep.example.com"
    user = UserFactory(email="lee@example.com")
    ask(client, "lee@example.com")
    response = client.get(reset_path(mail.outbox[0]), follow=True)
    form_url = response.redirect_chain[-1][0]
    assert "Choose a new password" in response.content.decode()
    weak = client.post(form_url, {"password1": "lockstep", "password2": "lockstep"})
    assert weak.status_code == 200 and "site" in weak.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    done = client.post(form_url, {"password1": "quiet harbour 2031", "password2": "quiet harbour 2031"})
    assert done.status_code == 302 and done["Location"] == reverse("account_reset_password_from_key_done")
    user.refresh_from_db()
    assert user.check_password("quiet harbour 2031")
    again = client.get(reset_path(mail.outbox[0]), follow=True)
    assert "This link no longer works" in again.content.decode()


def test_reset_mails_to_one_address_are_capped_with_the_same_answer(client, settings):
    settings.MAILS_PER_ADDRESS_HOUR = 3
    UserFactory(email="lee@example.com")
    answers = {ask(client, "lee@example.com")["Location"] for _ in range(5)}
    assert answers == {reverse("account_reset_password_done")} and len(mail.outbox) == 3
    # Asking for an address without an account uses up its allowance just the same.
    for _ in range(3):
        ask(client, "later@example.com")
    UserFactory(email="later@example.com")
    ask(client, "later@example.com")
    assert len(mail.outbox) == 6 and [m.to for m in mail.outbox[3:]] == [["later@example.com"]] * 3
    assert all("No account has it" in m.body for m in mail.outbox[3:])


def test_an_address_that_is_not_one_is_refused_at_the_field(client):
    response = client.post(reverse("account_reset_password"), {"email": "not an address"})
    assert response.status_code == 200 and 'id="id_email_error"' in response.content.decode()
    assert not mail.outbox
