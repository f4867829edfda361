"""Two-factor sign-in with allauth's mfa: an authenticator app (TOTP) and recovery codes,
turned on and off by the person, a wrong code throttled like a wrong password, and the
workspace's admins seeing who has it."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.cache import cache
from django.urls import reverse

from accounts.models import SignInEvent
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from workspaces.models import Access

pytestmark = pytest.mark.django_db

REFUSED = "Too many failed sign-ins"


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def password_step(client, username="lee"):
    return client.post(reverse("login"), {"login": username, "password": PASSWORD})


def confirm_password(client) -> None:
    """Changing how one signs in asks for the password again, however recent the sign-in."""
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302


def turn_on(client, user) -> str:
    """Sign in with the password and turn on an authenticator app; returns its secret."""
    password_step(client, user.username)
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200 and 'src="data:image/svg+xml;base64,' in page.content.decode()
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()  # for typing it in where a camera cannot scan
    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response.status_code == 302
    client.post(reverse("logout"))
    cache.clear()  # a code works once: the next sign-in in this 30 s window needs the replay guard gone
    return secret


@pytest.fixture
def lee():
    return UserFactory(username="lee")


def test_turning_on_an_authenticator_app_also_makes_recovery_codes(client, lee):
    turn_on(client, lee)
    assert set(Authenticator.objects.filter(user=lee).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }


def test_a_wrong_code_while_turning_it_on_turns_nothing_on(client, lee):
    password_step(client)
    confirm_password(client)
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200 and "Incorrect code" in response.content.decode()
    assert not Authenticator.objects.filter(user=lee).exists()


def test_the_password_alone_no_longer_signs_in(client, lee):
    turn_on(client, lee)
    response = password_step(client)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302  # not signed in yet


def test_signing_in_with_a_code(client, lee):
    secret = turn_on(client, lee)
    password_step(client)
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert response.status_code == 302 and client.get(reverse("home")).status_code == 200
    kinds = list(SignInEvent.objects.filter(user=lee).values_list("kind", flat=True)[:2])
    assert kinds == [SignInEvent.Kind.SUCCESS, SignInEvent.Kind.TWO_FACTOR]


def test_signing_in_with_a_recovery_code_uses_it_up(client, lee):
    turn_on(client, lee)
    codes = Authenticator.objects.get(user=lee, type=Authenticator.Type.RECOVERY_CODES).wrap()
    code = codes.get_unused_codes()[0]
    password_step(client)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    password_step(client)
    again = client.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200 and "Incorrect code" in again.content.decode()


def test_wrong_codes_are_throttled_like_wrong_passwords(client, settings, lee):
    secret = turn_on(client, lee)
    password_step(client)
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert response.status_code == 200 and REFUSED not in response.content.decode()
    # The right code is refused too until the lock is over, and the password is locked with it.
    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    assert SignInEvent.objects.filter(user=lee, kind=SignInEvent.Kind.TWO_FACTOR_FAILURE).count() >= 5


def test_turning_it_off_asks_who_it_is_and_lets_the_password_alone_sign_in_again(client, lee):
    secret = turn_on(client, lee)
    password_step(client)
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    cache.clear()
    # Someone at an unlocked screen cannot turn it off: it asks for a code (or the password).
    response = client.get(reverse("mfa_deactivate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(reverse("mfa_reauthenticate"), {"code": code_for(secret)}).status_code == 302
    assert client.get(reverse("mfa_deactivate_totp")).status_code == 200
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=lee, type=Authenticator.Type.TOTP).exists()
    client.post(reverse("logout"))
    assert password_step(client)["Location"] == reverse("home")


def test_the_account_page_says_whether_it_is_on(client, lee):
    password_step(client)
    assert "Off: your password alone signs you in." in client.get(reverse("mfa_index")).content.decode()


def test_workspace_admins_see_who_has_two_factor_on(client):
    admin = MembershipFactory(access=Access.ADMIN)
    with_app = MembershipFactory(workspace=admin.workspace, user=UserFactory(username="lee"))
    MembershipFactory(workspace=admin.workspace, user=UserFactory(username="kim"))
    Authenticator.objects.create(user=with_app.user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(admin.user)
    html = client.get(reverse("workspaces:members", args=[admin.workspace.slug])).content.decode()
    assert html.count("Two-factor on") == 1 and html.count("No two-factor sign-in") == 2
    client.force_login(with_app.user)  # an editor is not shown anyone's
    html = client.get(reverse("workspaces:members", args=[admin.workspace.slug])).content.decode()
    assert "Two-factor on" not in html and "No two-factor" not in html


# allauth's own headings and buttons, in its Title Case: none is left on these pages.
ALLAUTH_WORDS = (
    "Two-Factor Authentication",
    "Authenticator App",
    "Recovery Codes",
    "Sign In",
    "Confirm Access",
    "Please reauthenticate",
    "Activate",
    "Deactivate",
    "Alternative options",
)


def words_of(response, *expected: str) -> str:
    assert response.status_code == 200
    text = response.content.decode()
    for words in expected:
        assert words in text, words
    for words in ALLAUTH_WORDS:
        assert words not in text, words
    return text


def test_the_two_factor_pages_speak_as_the_product_does(client, lee):
    password_step(client)
    words_of(client.get(reverse("mfa_index")), "<h1>Two-factor sign-in</h1>", "Authenticator app", "Turn on")
    client.get(reverse("mfa_activate_totp"))
    words_of(client.get(reverse("account_reauthenticate")), "<h1>Confirm it’s you</h1>", "Enter your password")
    confirm_password(client)
    words_of(client.get(reverse("mfa_activate_totp")), "<h1>Turn on an authenticator app</h1>", "Turn on")
    secret = client.session["mfa.totp.secret"]
    assert client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)}).status_code == 302

    words_of(client.get(reverse("mfa_index")), "Recovery codes", "Turn off", "Show codes")
    words_of(client.get(reverse("mfa_view_recovery_codes")), "<h1>Recovery codes</h1>", "Download codes")
    words_of(client.get(reverse("mfa_generate_recovery_codes")), "<h1>Make new recovery codes</h1>")
    words_of(client.get(reverse("mfa_deactivate_totp")), "<h1>Turn off the authenticator app</h1>")
    words_of(client.get(reverse("mfa_reauthenticate")), "<h1>Confirm it’s you</h1>", "code from your authenticator app")

    client.post(reverse("logout"))
    password_step(client)
    words_of(client.get(reverse("mfa_authenticate")), "<h1>Two-factor sign-in</h1>", "Sign in", "Cancel")
