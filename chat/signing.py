"""How Slack and Teams sign what they send, checked exactly as each documents it.

Pure Python over bytes and header values; whether a request was seen before (a replay) is
the caller's question (`chat.guard`).

- Slack: `X-Slack-Signature: v0=<hex>` is HMAC-SHA256, keyed with the app's signing secret,
  of `v0:<X-Slack-Request-Timestamp>:<body>`; a timestamp more than five minutes from now
  is refused, whatever the signature.
- Teams (outgoing webhook): `Authorization: HMAC <base64>` is HMAC-SHA256 of the body,
  keyed with the base64-decoded security token Teams showed when the webhook was made. The
  message carries its own `timestamp` and `id`: the caller refuses an old one and a repeat.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from datetime import datetime, timedelta

WINDOW_SECONDS = 5 * 60
_DIGITS = re.compile(r"[0-9]{1,12}")
_HEX64 = re.compile(r"v0=[0-9a-f]{64}")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


def slack_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def slack_verified(*, secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float) -> bool:
    """The request is signed with `secret`, within five minutes of `now` (seconds since the epoch)."""
    if not secret or not timestamp or not signature:
        return False
    if not _DIGITS.fullmatch(timestamp) or not _HEX64.fullmatch(signature):
        return False
    if abs(now - int(timestamp)) > WINDOW_SECONDS:
        return False
    return hmac.compare_digest(slack_signature(secret=secret, timestamp=timestamp, body=body), signature)


def teams_key(token: str) -> bytes | None:
    """The HMAC key of a Teams security token (base64, as Teams shows it), or None."""
    token = (token or "").strip()
    if not _BASE64.fullmatch(token):
        return None
    try:
        key = base64.b64decode(token, validate=True)
    except (binascii.Error, ValueError):
        return None
    return key or None


def teams_signature(*, token: str, body: bytes) -> str:
    key = teams_key(token)
    if key is None:
        raise ValueError("not a Teams security token")
    return "HMAC " + base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode("ascii")


def teams_verified(*, token: str, authorization: str | None, body: bytes) -> bool:
    """`Authorization` is the body's HMAC with the token's key."""
    if not token or not authorization or not authorization.startswith("HMAC "):
        return False
    if teams_key(token) is None:
        return False
    given = authorization.encode("utf-8", "surrogatepass")
    return hmac.compare_digest(teams_signature(token=token, body=body).encode("ascii"), given)


def teams_time_ok(timestamp: object, *, now: datetime) -> bool:
    """The message's own `timestamp` (ISO 8601, with a zone) is within five minutes of `now`."""
    if not isinstance(timestamp, str) or len(timestamp) > 40:
        return False
    try:
        sent = datetime.fromisoformat(timestamp)
    except ValueError:
        return False
    if sent.tzinfo is None:
        return False
    try:
        return abs(now - sent) <= timedelta(seconds=WINDOW_SECONDS)
    except OverflowError:  # a zone offset past year 9999 or before year 1
        return False
