"""Throttles kept in the cache: sign-in failures per (username, address), and the mail
anyone can make the site send (invitations per workspace, mails per e-mail address)."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{address}".encode()).hexdigest()
    return f"login-failures:{digest}"


def is_locked_out(username: str, address: str) -> bool:
    return cache.get(_key(username, address), 0) >= settings.LOGIN_MAX_FAILURES


def record_failure(username: str, address: str) -> None:
    key = _key(username, address)
    if cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def clear_failures(username: str, address: str) -> None:
    cache.delete(_key(username, address))


HOUR = 60 * 60


def _count(key: str, window: int) -> int:
    """Add one to the counter at `key` (which lives `window` seconds) and return it."""
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def _address_key(email: str) -> str:
    return "mails-to:" + hashlib.sha256(email.strip().casefold().encode()).hexdigest()


def mail_allowed(email: str) -> bool:
    """Count one mail to the address; False once MAILS_PER_ADDRESS_HOUR were counted this hour.

    Callers count the request whether or not an account has the address, so that the
    limit itself says nothing about who has an account."""
    return _count(_address_key(email), HOUR) <= settings.MAILS_PER_ADDRESS_HOUR


def mail_refused(email: str) -> bool:
    """Whether the address has used up its mails this hour (without counting one)."""
    return cache.get(_address_key(email), 0) >= settings.MAILS_PER_ADDRESS_HOUR


def invitation_allowed(workspace_id: int) -> bool:
    """Count one invitation from the workspace; False once the hour's allowance is spent."""
    return _count(f"invitations-from:{workspace_id}", HOUR) <= settings.INVITATIONS_PER_WORKSPACE_HOUR


def invitations_refused(workspace_id: int) -> bool:
    return cache.get(f"invitations-from:{workspace_id}", 0) >= settings.INVITATIONS_PER_WORKSPACE_HOUR
