"""The outgoing webhook: a JSON POST per event, signed so the receiver can trust it.

Signature: `X-Lockstep-Signature: sha256=<hex>`, the HMAC-SHA256 with the webhook's secret
of `<X-Lockstep-Timestamp>.<body>`; the receiver recomputes it and rejects old timestamps.
`X-Lockstep-Delivery` is the event's key: the same event is never delivered under two keys.

Roll-over: for WEBHOOK_SECRET_OVERLAP_HOURS after a new secret is made, each request also
carries `X-Lockstep-Signature-Previous: sha256=<hex>`, the same HMAC with the previous
secret. A receiver accepts a request when either header matches the secret it holds, so it
can be switched to the new secret at any moment of the overlap without refusing anything.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from notifications.models import Webhook, WebhookDelivery

# One answer for every address refused, whatever the reason: telling "does not resolve" from
# "inside this server's network" would let an admin map the server's own network by name.
REFUSED = (
    "This address cannot receive webhooks: give an https:// (or http://) address of a receiver on the public internet."
)


class WebhookRefused(Exception):
    def __init__(self, message: str = REFUSED):
        super().__init__(message)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


# Ranges `ipaddress` still calls global on Python 3.13.0 that no webhook receiver lives in:
# the deprecated 6to4 relay anycast and IPv6 site-local addresses.
_NEVER = (ipaddress.ip_network("192.88.99.0/24"), ipaddress.ip_network("fec0::/10"))
# NAT64's well-known prefix: the server reaches the IPv4 address in its last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _inner_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to (mapped, NAT64, 6to4, Teredo server and client)."""
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address in _NAT64:
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)
    return []


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True only for a globally routable unicast address: `is_global` alone lets multicast
    through, and an IPv6 address that carries an IPv4 one is only as public as that one."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _inner_ipv4(address)
        if not all(is_public(ipv4) for ipv4 in inner):
            return False
        if address.ipv4_mapped is not None or address in _NAT64:
            return True  # a translation prefix: the IPv4 address inside is where the packets go
    return (
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_unspecified
        and not any(address in network for network in _NEVER)
    )


def resolve(host: str, port: int) -> list[str]:
    """Every address the name resolves to (a seam the tests replace)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def check_target(url: str) -> None:
    """Refuse URLs a workspace admin should not make the server call: other schemes, and
    (unless WEBHOOK_ALLOW_PRIVATE) any name with an address that is not public. Called when
    the webhook is saved and again before every send, since DNS answers change."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise WebhookRefused() from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookRefused()
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        default_port = 443 if parts.scheme == "https" else 80
        addresses = [ipaddress.ip_address(text) for text in resolve(parts.hostname, port or default_port)]
    except (OSError, ValueError):  # UnicodeError (a bad name) is a ValueError
        raise WebhookRefused() from None
    if not addresses or not all(is_public(address) for address in addresses):
        raise WebhookRefused()


def _guarded_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, **kwargs):
    """Connect, then refuse a peer that is not public: the name may resolve differently now
    than when check_target asked (DNS rebinding). Runs before any byte (or TLS hello) is sent."""
    sock = socket.create_connection(address, timeout, source_address, **kwargs)
    if not settings.WEBHOOK_ALLOW_PRIVATE and not is_public(ipaddress.ip_address(sock.getpeername()[0])):
        sock.close()
        raise WebhookRefused()
    return sock


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connection


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connection


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_GuardedHTTPConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_GuardedHTTPSConnection, req, context=self._context)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could point the server at its own network after the address was checked."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {newurl} refused", headers, fp)


# No proxy from the environment: the guard checks the peer, which must be the receiver itself.
_OPENER = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _GuardedHTTPHandler, _GuardedHTTPSHandler, _NoRedirects
)


def post(
    url: str, secret: str, key: str, kind: str, payload: dict, previous_secret: str = ""
) -> tuple[int | None, str]:
    """POST once, signed with the secret (and with the previous one during a roll-over).
    Returns (HTTP status or None, error message or "")."""
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Lockstep-Webhook/1",
        "X-Lockstep-Event": kind,
        "X-Lockstep-Delivery": key,
        "X-Lockstep-Timestamp": timestamp,
        "X-Lockstep-Signature": sign(secret, timestamp, body),
    }
    if previous_secret:
        headers["X-Lockstep-Signature-Previous"] = sign(previous_secret, timestamp, body)
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        check_target(url)
        with _OPENER.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"The receiver answered {error.code} {error.reason}."
    except WebhookRefused as error:
        return None, str(error)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return None, f"Could not reach the receiver: {reason}."


# --- Slack and Teams -------------------------------------------------------------------

CHAT_REFUSED = {
    "slack": "A Slack destination takes the address of a Slack incoming webhook (https://hooks.slack.com/services/…).",
    "teams": "A Teams destination takes the address of a Teams Workflows webhook "
    "(https://….environment.api.powerplatform.com/…); Office 365 connector addresses are retired.",
}
# What Slack answers when the webhook will never work again (its app removed, the token
# revoked, the channel archived or deleted, the workspace gone): stop trying it.
SLACK_GONE = frozenset(
    {
        "no_service",
        "no_service_id",
        "invalid_token",
        "channel_is_archived",
        "channel_not_found",
        "no_team",
        "team_disabled",
    }
)
# Teams' Workflows answer 404 or 410 for a flow that was deleted or turned off for good.
TEAMS_GONE = frozenset({404, 410})
SERVICE = {"slack": "Slack", "teams": "Teams"}
# A 429's Retry-After, bounded: never hammer, never wait more than an hour.
RETRY_AFTER_DEFAULT, RETRY_AFTER_MAX = 60, 3600


def host_allowed(kind: str, host: str, hosts: dict | None = None) -> bool:
    """The host is one the kind's settings list: exactly, or under a `*.` pattern."""
    host = host.lower().rstrip(".")
    for pattern in (settings.CHAT_WEBHOOK_HOSTS if hosts is None else hosts).get(kind, ()):
        pattern = pattern.lower()
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


def check_chat_target(kind: str, url: str) -> None:
    """A chat destination's address: at its service's hosts only, over https to the
    service's own hosts (a host the settings added, like a test listener, may take http),
    and at a public address."""
    parts = urlsplit(url)
    if kind not in CHAT_REFUSED or not host_allowed(kind, parts.hostname or ""):
        raise WebhookRefused(CHAT_REFUSED.get(kind, REFUSED))
    own = host_allowed(kind, parts.hostname or "", settings.CHAT_WEBHOOK_HOSTS_DEFAULT)
    if parts.scheme not in ("https", "http") or (own and parts.scheme != "https"):
        raise WebhookRefused(CHAT_REFUSED[kind])
    check_target(url)


def retry_after(value: str | None) -> int:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    from email.utils import parsedate_to_datetime

    seconds: float = RETRY_AFTER_DEFAULT
    if value:
        value = value.strip()
        if value.isdigit():
            seconds = int(value)
        else:
            try:
                seconds = (parsedate_to_datetime(value) - timezone.now()).total_seconds()
            except (TypeError, ValueError, IndexError, OverflowError):
                seconds = RETRY_AFTER_DEFAULT
    return int(min(max(seconds, 1), RETRY_AFTER_MAX))


class ChatAnswer:
    def __init__(self, status: int | None, error: str = "", *, gone: bool = False, wait: int | None = None):
        self.status, self.error, self.gone, self.wait = status, error, gone, wait

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None and 200 <= self.status < 300


def post_chat(kind: str, url: str, body: dict) -> ChatAnswer:
    """POST a message to Slack or Teams through the guarded connection (never slack_sdk's
    client, which would skip the address checks)."""
    data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "Lockstep-Chat/1"},
    )
    service = SERVICE.get(kind, "The service")
    try:
        check_chat_target(kind, url)
        with _OPENER.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return ChatAnswer(response.status)
    except urllib.error.HTTPError as error:
        try:
            said = error.read(300).decode("utf-8", "replace").strip()
        except OSError:
            said = ""
        if error.code == 429:
            wait = retry_after(error.headers.get("Retry-After") if error.headers else None)
            return ChatAnswer(429, f"{service} asked to wait {wait} s (429).", wait=wait)
        gone = (kind == "slack" and said in SLACK_GONE) or (kind == "teams" and error.code in TEAMS_GONE)
        detail = f" {said}" if said and len(said) < 80 and said.isprintable() else f" {error.reason}"
        return ChatAnswer(error.code, f"{service} answered {error.code}{detail}.", gone=gone)
    except WebhookRefused as error:
        return ChatAnswer(None, str(error))
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return ChatAnswer(None, f"Could not reach {service}: {reason}.")


class Wait(str):
    """An attempt's error that asks for a wait (a 429's Retry-After), in `seconds`."""

    seconds: int

    def __new__(cls, error: str, seconds: int):
        made = super().__new__(cls, error)
        made.seconds = seconds
        return made


def chat_body(delivery: WebhookDelivery) -> dict:
    from notifications.chat_messages import Message, Part, message_of, payload_for

    payload = delivery.payload or {}
    if "message" in payload:  # made whole by its sender (the digest, a test message)
        raw = dict(payload["message"])
        raw["parts"] = [Part(**{**p, "facts": [tuple(f) for f in p.get("facts", [])]}) for p in raw.get("parts", [])]
        message = Message(**raw)
    else:
        message = message_of(
            payload.get("items", []), workspace=delivery.webhook.workspace.name, more=payload.get("more", 0)
        )
    return payload_for(delivery.webhook.kind, message)


def _chat_attempt(delivery: WebhookDelivery) -> str | None:
    from notifications.chat_formats import ChatFormatError
    from notifications.destinations import stop_destination

    hook = delivery.webhook
    now = timezone.now()
    if hook.stopped_at is not None:
        _finish(delivery.pk, failed=True, error="The destination was stopped: nothing more is sent to it.")
        return "stopped"
    if hook.paused_until and hook.paused_until > now:
        seconds = max(int((hook.paused_until - now).total_seconds()), 1)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=hook.paused_until)
        return Wait(f"Waiting {seconds} s as the service asked.", seconds)
    try:
        body = chat_body(delivery)
    except ChatFormatError as error:
        _finish(delivery.pk, failed=True, error=f"The message could not be built: {error}", count=True)
        return str(error)
    answer = post_chat(hook.kind, hook.url, body)
    if answer.wait:
        until = now + timedelta(seconds=answer.wait)
        Webhook.objects.filter(pk=hook.pk).update(paused_until=until)
        # A 429 is no failure: it is not counted against the retries.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            response_status=429, last_error=answer.error[:500], next_attempt_at=until
        )
        return Wait(answer.error, answer.wait)
    if answer.ok:
        _finish(delivery.pk, failed=False, status=answer.status, count=True)
        return None
    if answer.gone:
        _finish(delivery.pk, failed=True, status=answer.status, error=answer.error, count=True)
        stop_destination(destination_id=hook.pk, reason=answer.error)
        return answer.error
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=F("attempts") + 1, response_status=answer.status, last_error=answer.error[:500]
    )
    return answer.error


def _finish(delivery_id: int, *, failed: bool, status: int | None = None, error: str = "", count=False) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED if failed else WebhookDelivery.Status.SENT,
        finished_at=timezone.now(),
        next_attempt_at=None,
        response_status=status,
        last_error=error[:500],
        **({"attempts": F("attempts") + 1} if count else {}),
    )


def attempt(delivery_id: int) -> str | None:
    """Try one delivery. Returns None when it is delivered (now or before), else the error
    (a `Wait` when the service asked to wait)."""
    delivery = WebhookDelivery.objects.select_related("webhook__workspace").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return None
    hook = delivery.webhook
    if hook.is_chat:
        return _chat_attempt(delivery)
    status, error = post(
        hook.url,
        hook.secret,
        delivery.key,
        delivery.kind,
        delivery.payload,
        previous_secret=hook.previous_secret_at(timezone.now()),
    )
    done = not error and status is not None and 200 <= status < 300
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=F("attempts") + 1,
        response_status=status,
        last_error=error[:500],
        **(
            {"status": WebhookDelivery.Status.SENT, "finished_at": timezone.now(), "next_attempt_at": None}
            if done
            else {}
        ),
    )
    return None if done else (error or f"The receiver answered {status}.")


def give_up(delivery_id: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED, finished_at=timezone.now(), next_attempt_at=None
    )


def try_again_in(delivery_id: int, seconds: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(
        next_attempt_at=timezone.now() + timedelta(seconds=seconds)
    )
