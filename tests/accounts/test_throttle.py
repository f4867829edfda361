"""The sign-in throttle: per account (however the username is written) and per address,
with a backoff that grows and is capped, and a password reset that lets the owner in."""

import pytest
from django.urls import reverse

from accounts import throttle
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REFUSED = "Too many failed sign-ins"


@pytest.fixture
def clock(monkeypatch):
    """The throttle's time, moved by the test."""
    now = [1_900_000_000.0]
    monkeypatch.setattr(throttle, "_now", lambda: now[0])
    return now


def fail(client, url, username, times, **extra):
    for _ in range(times):
        response = client.post(url, {"login": username, "password": "wrong"}, **extra)
        assert response.status_code == 200 and REFUSED not in response.content.decode()


def sign_in(client, url, username, password=PASSWORD, **extra):
    return client.post(url, {"login": username, "password": password}, **extra)


@pytest.mark.parametrize("variant", ["ｌockuser1", "lockuser１", "ｌｏｃｋｕｓｅｒ１"])
def test_full_width_variants_of_a_username_are_the_same_locked_account(client, settings, variant):
    UserFactory(username="lockuser1")
    url = reverse("login")
    fail(client, url, "lockuser1", settings.LOGIN_MAX_FAILURES)
    response = sign_in(client, url, variant)
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_under_full_width_and_case_variants_count_for_one_account(client, settings):
    UserFactory(username="lockuser1")
    url = reverse("login")
    variants = ["lockuser1", "ｌockuser1", "LOCKUSER1", "LockUser１", "lockuser1 "]
    for n in range(settings.LOGIN_MAX_FAILURES):
        fail(client, url, variants[n % len(variants)], 1)
    response = sign_in(client, url, "lockuser1")
    assert response.status_code == 200 and REFUSED in response.content.decode()


@pytest.mark.parametrize("variant", ["LOCKUSER1", "LockUser1", "ＬＯＣＫＵＳＥＲ１"])
def test_case_variants_of_a_username_are_the_same_locked_account(client, settings, variant):
    UserFactory(username="lockuser1")
    url = reverse("login")
    fail(client, url, variant, settings.LOGIN_MAX_FAILURES)
    response = sign_in(client, url, "lockuser1")
    assert response.status_code == 200 and REFUSED in response.content.decode()


def test_the_admin_has_no_password_form_of_its_own(client, settings):
    """The admin signs in through the site's throttled page (and its two-factor step): a
    password posted to /admin/login/ is never checked."""
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    response = sign_in(client, reverse("admin:login") + "?next=/admin/", "boss")
    assert response.status_code == 302 and response["Location"] == reverse("account_login") + "?next=/admin/"
    assert "_auth_user_id" not in client.session


def test_failures_on_the_site_lock_the_admins_sign_in(client, settings):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    fail(client, reverse("login"), "boss", settings.LOGIN_MAX_FAILURES)
    response = sign_in(client, reverse("account_login") + "?next=/admin/", "BOSS")
    assert response.status_code == 200 and REFUSED in response.content.decode()


def test_a_site_admin_still_signs_in_to_the_admin(client):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    response = sign_in(client, reverse("account_login") + "?next=/admin/", "boss")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_person_who_is_no_site_admin_is_refused_the_admin(client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:login")).status_code == 403


def test_allauths_own_failure_limit_is_off(settings):
    """It keys on the lowercased name without NFKC; ours counts every variant as one."""
    from allauth.account import app_settings

    assert app_settings.RATE_LIMITS["login_failed"] is None


def test_one_address_trying_many_usernames_is_slowed(client, settings):
    url = reverse("login")
    for n in range(settings.LOGIN_MAX_FAILURES_PER_ADDRESS):
        fail(client, url, f"victim{n}", 1, REMOTE_ADDR="198.51.100.7")
    refused = []
    for n in range(settings.LOGIN_MAX_FAILURES_PER_ADDRESS, 30):
        response = client.post(url, {"login": f"victim{n}", "password": "wrong"}, REMOTE_ADDR="198.51.100.7")
        refused.append("from your network" in response.content.decode())
    assert all(refused)
    # A real user there is slowed too, told why; one at another address is not.
    UserFactory(username="bystander")
    response = sign_in(client, url, "bystander", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200 and "from your network" in response.content.decode()
    assert sign_in(client, url, "bystander", REMOTE_ADDR="198.51.100.8").status_code == 302


def test_addresses_of_one_ipv6_64_share_their_count():
    assert throttle.address_key("2001:db8:1:2::1") == throttle.address_key("2001:db8:1:2:ffff::9")
    assert throttle.address_key("2001:db8:1:2::1") != throttle.address_key("2001:db8:1:3::1")
    assert throttle.address_key("::ffff:198.51.100.7") == throttle.address_key("198.51.100.7")


def test_signing_in_to_ones_own_account_keeps_the_address_failures(client, settings):
    UserFactory(username="sprayer")
    url = reverse("login")
    limit, tried = settings.LOGIN_MAX_FAILURES_PER_ADDRESS, 0
    for _ in range(2):
        for _ in range(limit // 2 - 1):
            client.post(url, {"login": f"victim{tried}", "password": "wrong"})
            tried += 1
        assert sign_in(client, url, "sprayer").status_code == 302
        client.logout()
    while tried < limit:
        client.post(url, {"login": f"victim{tried}", "password": "wrong"})
        tried += 1
    response = client.post(url, {"login": "victim-last", "password": "wrong"})
    assert "from your network" in response.content.decode()


def test_an_attempt_without_a_password_does_not_clear_the_failures(client, settings):
    UserFactory(username="kim")
    url = reverse("login")
    fail(client, url, "kim", settings.LOGIN_MAX_FAILURES - 1)
    client.post(url, {"login": "kim", "password": ""})
    fail(client, url, "kim", 1)
    response = sign_in(client, url, "kim")
    assert response.status_code == 200 and REFUSED in response.content.decode()


def refuse_after_failures(settings, username="sam", address="203.0.113.5"):
    """Fail until the account is locked; return the delay of the refusal that follows."""
    while True:
        try:
            throttle.attempt_begin(username=username, address=address)
        except throttle.Throttled as refusal:
            return refusal.until - throttle._now()


def test_the_backoff_doubles_after_each_failure_and_is_capped(settings, clock):
    settings.LOGIN_BACKOFF_SECONDS, settings.LOGIN_BACKOFF_MAX_SECONDS = 60, 15 * 60
    delays = []
    for _ in range(7):
        delays.append(refuse_after_failures(settings))
        clock[0] += delays[-1]  # the lock has run out: one more try
    assert delays == [60, 120, 240, 480, 900, 900, 900]


def test_refused_attempts_do_not_lengthen_the_lock(settings, clock):
    assert refuse_after_failures(settings) == 60
    for _ in range(20):
        clock[0] += 1
        with pytest.raises(throttle.Throttled):
            throttle.attempt_begin(username="sam", address="203.0.113.5")
    clock[0] += 40
    throttle.attempt_begin(username="sam", address="203.0.113.5")  # 60 s after the lock: allowed


def test_once_locked_only_one_attempt_may_try_at_a_time(settings, clock):
    refuse_after_failures(settings)
    clock[0] += 60
    first = throttle.attempt_begin(username="sam", address="203.0.113.5")  # still checking its password
    with pytest.raises(throttle.Throttled):
        throttle.attempt_begin(username="sam", address="198.51.100.1")
    first.succeeded()
    throttle.attempt_begin(username="sam", address="198.51.100.1")


def test_the_account_lock_holds_from_any_address(client, settings):
    UserFactory(username="sam")
    url = reverse("login")
    for n in range(settings.LOGIN_MAX_FAILURES):
        fail(client, url, "sam", 1, REMOTE_ADDR=f"198.51.100.{n + 1}")
    response = sign_in(client, url, "sam", REMOTE_ADDR="203.0.113.99")
    assert response.status_code == 200 and REFUSED in response.content.decode()


def test_the_refusal_says_when_to_try_again_and_that_a_reset_lets_you_in(client, settings):
    UserFactory(username="sam")
    url = reverse("login")
    fail(client, url, "sam", settings.LOGIN_MAX_FAILURES)
    html = sign_in(client, url, "sam").content.decode()
    assert "Try again in 1 minute" in html
    assert "or reset your password to sign in straight away" in html


def test_a_new_password_clears_the_account_throttle(client, settings, django_capture_on_commit_callbacks):
    user = UserFactory(username="sam")
    url = reverse("login")
    fail(client, url, "sam", settings.LOGIN_MAX_FAILURES)
    with django_capture_on_commit_callbacks(execute=True):
        user.set_password("a brand new passphrase 9")
        user.save()
    assert sign_in(client, url, "sam", "a brand new passphrase 9").status_code == 302


def test_saving_an_account_without_a_new_password_keeps_its_throttle(
    client, settings, django_capture_on_commit_callbacks
):
    user = UserFactory(username="sam")
    url = reverse("login")
    fail(client, url, "sam", settings.LOGIN_MAX_FAILURES)
    with django_capture_on_commit_callbacks(execute=True):
        user.first_name = "Sam"
        user.save()
    response = sign_in(client, url, "sam")
    assert response.status_code == 200 and REFUSED in response.content.decode()


def test_clear_for_user_lets_the_owner_in(client, settings):
    user = UserFactory(username="Sam")
    url = reverse("login")
    fail(client, url, "sam", settings.LOGIN_MAX_FAILURES)
    throttle.clear_for_user(user)
    assert sign_in(client, url, "Sam").status_code == 302


def test_a_locked_account_is_shown_the_way_to_reset_its_password(client, settings):
    UserFactory(username="sam")
    url = reverse("login")
    fail(client, url, "sam", settings.LOGIN_MAX_FAILURES)
    html = sign_in(client, url, "sam").content.decode()
    assert 'href="/accounts/password/reset/">Reset your password</a>' in html


def test_a_locked_address_is_not_sent_to_reset_a_password(client, settings):
    url = reverse("login")
    for n in range(settings.LOGIN_MAX_FAILURES_PER_ADDRESS):
        client.post(url, {"login": f"victim{n}", "password": "wrong"})
    html = client.post(url, {"login": "victim-last", "password": "wrong"}).content.decode()
    assert "from your network" in html and "Reset your password" not in html


def test_a_flood_of_made_up_accounts_does_not_unlock_a_real_one(settings, clock):
    """Each attempt leaves counters in the cache; a small cache would drop the oldest, the
    locked account's among them, and let its guessing start again."""
    refuse_after_failures(settings)
    for n in range(2_000):
        throttle.attempt_begin(username=f"made-up-{n}", address=f"2001:db8:{n:x}::1")
    with pytest.raises(throttle.Throttled):
        throttle.attempt_begin(username="sam", address="198.51.100.1")


def address_failures(address: str) -> int:
    from django.core.cache import cache

    bucket = throttle._Bucket("address", throttle.address_key(address), 0)
    return cache.get(bucket.failures, 0)


def test_a_correct_sign_in_after_an_address_lock_neither_counts_nor_relocks(client, settings, clock):
    """20 failures from one address lock it; once the lock is over a person signs in with the
    right password: that is no failure, so the address is not locked again and the next
    person there signs in too."""
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    UserFactory(username="ana")
    UserFactory(username="ben")
    url = reverse("login")
    address = "198.51.100.40"
    for n in range(20):
        try:
            throttle.attempt_begin(username=f"victim{n}", address=address)
        except throttle.Throttled:
            pytest.fail("refused before the limit")
    assert address_failures(address) == 20
    with pytest.raises(throttle.Throttled) as locked:
        throttle.attempt_begin(username="victim-x", address=address)
    clock[0] = locked.value.until + 1

    assert sign_in(client, url, "ana", REMOTE_ADDR=address).status_code == 302
    assert address_failures(address) == 20
    client.logout()
    assert sign_in(client, url, "ben", REMOTE_ADDR=address).status_code == 302
    client.logout()
    assert sign_in(client, url, "ana", REMOTE_ADDR=address).status_code == 302
    assert address_failures(address) == 20


def test_after_a_correct_sign_in_the_next_wrong_guess_from_the_address_is_locked_again(client, settings, clock):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    UserFactory(username="ana")
    url = reverse("login")
    address = "198.51.100.41"
    for n in range(20):
        throttle.attempt_begin(username=f"victim{n}", address=address)
    with pytest.raises(throttle.Throttled) as locked:
        throttle.attempt_begin(username="victim-x", address=address)
    clock[0] = locked.value.until + 1
    assert sign_in(client, url, "ana", REMOTE_ADDR=address).status_code == 302
    client.logout()
    # The spray goes on: one guess may try, then the address is locked again.
    response = client.post(url, {"login": "victim-y", "password": "wrong"}, REMOTE_ADDR=address)
    assert "from your network" not in response.content.decode()
    response = client.post(url, {"login": "victim-z", "password": "wrong"}, REMOTE_ADDR=address)
    assert "from your network" in response.content.decode()
