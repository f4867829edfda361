"""Throttles kept in the cache: sign-in failures, and the mail anyone can make the site send
(invitations per workspace, mails per e-mail address).

Sign-in: failures are counted per account and per client address.

Each of the two (the account's username, NFKC-normalised and case-folded, and the client
address, an IPv6 address by its /64) has a bucket in the cache. The first few failures are
free; from the limit on, every failure locks the bucket for a delay that doubles, up to a
cap, so a stranger can slow an account down but not shut its owner out for long, and a
password reset or a successful sign-in clears the account's bucket.

An attempt is counted before its password is checked (and given back if it succeeds), and
once a bucket is at its limit only one attempt per expired lock may try, so parallel
requests cannot squeeze in extra guesses. Time comes from `_now()`, not from the cache's
expiry, so tests can move it.
"""

import hashlib
import ipaddress
import math
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver


def _now() -> float:
    return time.time()


def username_key(username: str) -> str:
    """The form normalises usernames with NFKC before looking them up, so `ｌockuser1` is
    `lockuser1`; case-folding also puts `LockUser1` in the same bucket."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def address_key(address: str) -> str:
    """One host on IPv6 usually holds a whole /64: counting its addresses one by one would let
    it rotate through them."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class _Bucket:
    kind: str  # "account" or "address"
    ident: str
    limit: int

    @property
    def prefix(self) -> str:
        digest = hashlib.sha256(f"{self.kind}|{self.ident}".encode()).hexdigest()
        return f"signin:{digest}"

    @property
    def failures(self) -> str:
        return f"{self.prefix}:n"

    @property
    def until(self) -> str:
        return f"{self.prefix}:until"

    def turn(self, until: float) -> str:
        # Taken by the one attempt that may try once the lock ending at `until` is over.
        return f"{self.prefix}:turn:{until!r}"


def _delay(failures: int, limit: int) -> int:
    """Seconds locked after the `failures`-th failure (failures >= limit)."""
    doublings = min(failures - limit, 32)
    return min(settings.LOGIN_BACKOFF_SECONDS * 2**doublings, settings.LOGIN_BACKOFF_MAX_SECONDS)


def _incr(key: str) -> int:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def _decr(key: str) -> None:
    try:
        cache.decr(key)
    except ValueError:  # already gone: nothing to give back
        pass


class Throttled(Exception):
    """Sign-in is refused until `until` (a Unix time) for the account or the address."""

    def __init__(self, *, kind: str, until: float):
        super().__init__(kind, until)
        self.kind = kind
        self.until = until

    @property
    def for_account(self) -> bool:
        return self.kind == "account"

    def wait_text(self, now: float | None = None) -> str:
        seconds = max(1, math.ceil(self.until - (_now() if now is None else now)))
        if seconds < 60:
            return f"{seconds} second{'s' if seconds != 1 else ''}"
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"

    @property
    def message(self) -> str:
        if self.for_account:
            return (
                f"Too many failed sign-ins for this account. Try again in {self.wait_text()}, "
                f"or reset your password to sign in straight away."
            )
        return f"Too many failed sign-ins from your network. Try again in {self.wait_text()}."


@dataclass
class _Reservation:
    bucket: _Bucket
    count: int
    previous_until: float | None  # set when this attempt took the bucket's turn and locked it


def _locked_until(bucket: _Bucket, now: float) -> float | None:
    until = cache.get(bucket.until)
    return until if until is not None and until > now else None


def _reserve(bucket: _Bucket, now: float) -> _Reservation:
    count = _incr(bucket.failures)
    if count < bucket.limit:
        return _Reservation(bucket, count, None)
    previous = cache.get(bucket.until, 0.0)
    if previous > now or not cache.add(bucket.turn(previous), 1, settings.LOGIN_FAILURE_WINDOW_SECONDS):
        # Another attempt is trying, or locked the bucket, in the meantime.
        _decr(bucket.failures)
        raise Throttled(
            kind=bucket.kind, until=max(cache.get(bucket.until, 0.0), now + _delay(bucket.limit, bucket.limit))
        )
    # Locked before the password is checked: a success clears it, a failure leaves it.
    cache.set(bucket.until, now + _delay(count, bucket.limit), settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return _Reservation(bucket, count, previous)


def _give_back(reservation: _Reservation) -> None:
    _decr(reservation.bucket.failures)
    if reservation.previous_until is not None:
        cache.set(reservation.bucket.until, reservation.previous_until, settings.LOGIN_FAILURE_WINDOW_SECONDS)
        cache.delete(reservation.bucket.turn(reservation.previous_until))


def _clear(bucket: _Bucket) -> None:
    cache.delete_many([bucket.failures, bucket.until, bucket.turn(0.0)])


class Attempt:
    """One sign-in attempt, counted as a failure until `succeeded()` says otherwise."""

    def __init__(self, account: _Reservation, address: _Reservation):
        self._account = account
        self._address = address

    def succeeded(self) -> None:
        _clear(self._account.bucket)
        # A correct sign-in is no failure: the address gets back this attempt's count and, if
        # the attempt took the turn after a lock, the lock it set (so nobody behind that address
        # is locked out by someone signing in). It keeps its other failures: signing in to one's
        # own account must not wipe out a spray across other accounts, whose next guess locks
        # the address again.
        _give_back(self._address)


def _buckets(username: str, address: str) -> tuple[_Bucket, _Bucket]:
    return (
        _Bucket("account", username_key(username), settings.LOGIN_MAX_FAILURES),
        _Bucket("address", address_key(address), settings.LOGIN_MAX_FAILURES_PER_ADDRESS),
    )


def attempt_begin(*, username: str, address: str) -> Attempt:
    """Count a sign-in attempt for `username` from `address`, or raise `Throttled`."""
    now = _now()
    account, by_address = _buckets(username, address)
    for bucket in (account, by_address):
        until = _locked_until(bucket, now)
        if until is not None:
            raise Throttled(kind=bucket.kind, until=until)
    account_reservation = _reserve(account, now)
    try:
        address_reservation = _reserve(by_address, now)
    except Throttled:
        _give_back(account_reservation)
        raise
    return Attempt(account_reservation, address_reservation)


def clear_for_username(username: str) -> None:
    _clear(_Bucket("account", username_key(username), settings.LOGIN_MAX_FAILURES))


def clear_for_user(user) -> None:
    """The account's owner proved who they are (a new password): let them sign in now."""
    clear_for_username(user.get_username())


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="throttle-clear-on-password-change")
def _clear_when_password_changes(sender, instance, update_fields=None, raw=False, **kwargs):
    """A password reset (or change) saves a new password hash: the account's throttle goes
    with the old password, once the new one is committed."""
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    old = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is not None and old != instance.password:
        username = instance.get_username()
        transaction.on_commit(lambda: clear_for_username(username))


# --- mail anyone can make the site send -------------------------------------------------

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
