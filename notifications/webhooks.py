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

from notifications.models import WebhookDelivery

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


def attempt(delivery_id: int) -> str | None:
    """Try one delivery. Returns None when it is delivered (now or before), else the error."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return None
    hook = delivery.webhook
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
