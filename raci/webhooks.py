"""The outgoing webhook: a JSON POST per event, signed so the receiver can trust it.

Signature: `X-Lockstep-Signature: sha256=<hex>`, the HMAC-SHA256 with the webhook's secret
of `<X-Lockstep-Timestamp>.<body>`; the receiver recomputes it and rejects old timestamps.
`X-Lockstep-Delivery` is the event's key: the same event is never delivered under two keys.
"""

from __future__ import annotations

import hashlib
import hmac
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

from .models import WebhookDelivery


class WebhookRefused(Exception):
    pass


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def check_target(url: str) -> None:
    """Refuse URLs a workspace admin should not make the server call: other schemes, and
    (unless WEBHOOK_ALLOW_PRIVATE) addresses inside the server's own network."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookRefused("The webhook address must start with https:// (or http://).")
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError:
        raise WebhookRefused(f"{parts.hostname} does not resolve.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            raise WebhookRefused(f"{parts.hostname} is an address inside this server's network.")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could point the server at its own network after the address was checked."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {newurl} refused", headers, fp)


_OPENER = urllib.request.build_opener(_NoRedirects)


def post(url: str, secret: str, key: str, kind: str, payload: dict) -> tuple[int | None, str]:
    """POST once. Returns (HTTP status or None, error message or "")."""
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "Lockstep-Webhook/1",
        "X-Lockstep-Event": kind, "X-Lockstep-Delivery": key, "X-Lockstep-Timestamp": timestamp,
        "X-Lockstep-Signature": sign(secret, timestamp, body)})
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
    status, error = post(delivery.webhook.url, delivery.webhook.secret, delivery.key, delivery.kind, delivery.payload)
    done = not error and status is not None and 200 <= status < 300
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=F("attempts") + 1, response_status=status, last_error=error[:500],
        **({"status": WebhookDelivery.Status.SENT, "finished_at": timezone.now(), "next_attempt_at": None}
           if done else {}))
    return None if done else (error or f"The receiver answered {status}.")


def give_up(delivery_id: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED, finished_at=timezone.now(), next_attempt_at=None)


def try_again_in(delivery_id: int, seconds: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(
        next_attempt_at=timezone.now() + timedelta(seconds=seconds))
