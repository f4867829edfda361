"""Signatures checked as Slack and Teams make them, with Slack's documented example."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from chat import signing

# Slack's own example ("Verifying requests from Slack"): secret, timestamp, body, signature.
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_TIMESTAMP = "1531420618"
SLACK_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
SLACK_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
THEN = 1531420618 + 30


def _slack(**changes) -> bool:
    args = {
        "secret": SLACK_SECRET,
        "timestamp": SLACK_TIMESTAMP,
        "signature": SLACK_SIGNATURE,
        "body": SLACK_BODY,
        "now": THEN,
    }
    return signing.slack_verified(**(args | changes))


def test_slacks_documented_example_is_verified():
    assert signing.slack_signature(secret=SLACK_SECRET, timestamp=SLACK_TIMESTAMP, body=SLACK_BODY) == SLACK_SIGNATURE
    assert _slack()


@pytest.mark.parametrize(
    "changes",
    [
        {"secret": "0" * 32},
        {"body": SLACK_BODY + b"x"},
        {"signature": SLACK_SIGNATURE.upper()},
        {"signature": "v1=" + SLACK_SIGNATURE[3:]},
        {"signature": None},
        {"timestamp": None},
        {"signature": ""},
        {"secret": ""},
        {"timestamp": "١٥٣١٤٢٠٦١٨"},
        {"timestamp": "1531420618.0"},
        {"signature": "v0=²" + SLACK_SIGNATURE[4:]},
    ],
    ids=[
        "other-secret",
        "other-body",
        "upper",
        "v1",
        "no-signature",
        "no-timestamp",
        "empty",
        "no-secret",
        "arabic-digits",
        "decimal",
        "unicode",
    ],
)
def test_anything_else_is_refused(changes):
    assert not _slack(**changes)


def test_the_window_is_five_minutes_either_way():
    assert _slack(now=1531420618 + 300) and _slack(now=1531420618 - 300)
    assert not _slack(now=1531420618 + 301) and not _slack(now=1531420618 - 301)


TOKEN = base64.b64encode(bytes(range(32))).decode()


def test_teams_signature_is_the_base64_hmac_of_the_body_with_the_decoded_token():
    import hashlib
    import hmac

    body = b'{"type":"message","text":"hi"}'
    expected = "HMAC " + base64.b64encode(hmac.new(bytes(range(32)), body, hashlib.sha256).digest()).decode()
    assert signing.teams_signature(token=TOKEN, body=body) == expected
    assert signing.teams_verified(token=TOKEN, authorization=expected, body=body)
    assert not signing.teams_verified(token=TOKEN, authorization=expected, body=body + b" ")
    assert not signing.teams_verified(token=TOKEN, authorization=expected.replace("HMAC ", "Bearer "), body=body)
    assert not signing.teams_verified(token=TOKEN, authorization=None, body=body)
    assert not signing.teams_verified(token="not base64!", authorization=expected, body=body)
    assert not signing.teams_verified(token="", authorization=expected, body=body)
    assert not signing.teams_verified(token=TOKEN, authorization="HMAC ²", body=body)


NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("stamp", "ok"),
    [
        ("2026-12-07T11:57:33.2305677Z", True),
        ("2026-12-07T12:04:59Z", True),
        ("2026-12-07T13:00:00+01:00", True),
        ("2026-12-07T11:54:59Z", False),
        ("2026-12-07T12:00:00", False),  # no zone
        ("9999-12-31T23:59:59-23:59", False),
        ("0001-01-01T00:00:00+23:59", False),
        ("yesterday", False),
        (1765108800, False),
        (None, False),
    ],
)
def test_a_teams_message_must_carry_its_own_recent_timestamp(stamp, ok):
    assert signing.teams_time_ok(stamp, now=NOW) is ok


def test_a_teams_message_stamped_in_the_future_beyond_the_window_is_refused():
    assert not signing.teams_time_ok((NOW + timedelta(minutes=6)).isoformat(), now=NOW)
