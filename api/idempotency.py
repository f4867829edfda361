"""Creates that may be retried: the first answer to an `Idempotency-Key` is kept for a day.

The key's row is written in the same transaction as what the create makes, before it: a
second request with the same key waits for the first to commit, then finds its answer
instead of making a second object. A create that is refused leaves no row, so it can be
tried again with the same key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from api.models import IdempotentAnswer
from api.tokens import Caller
from core.errors import InvalidInput

KEEP = timedelta(hours=24)
KEY_MAX = 200
HEADER = "Idempotency-Key"


def _replay(answer: IdempotentAnswer) -> HttpResponse:
    response = JsonResponse(answer.body, status=answer.status)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request, caller: Caller, create: Callable[[], tuple[int, dict[str, Any]]]) -> HttpResponse:
    """Run `create` (which returns the status and the JSON body) once per key."""
    key = request.headers.get(HEADER)
    if key is None:
        with transaction.atomic():
            status, body = create()
        return JsonResponse(body, status=status)
    key = key.strip()
    if not key or len(key) > KEY_MAX or not key.isprintable():
        raise InvalidInput(f"An Idempotency-Key is 1 to {KEY_MAX} printable characters.", "Idempotency-Key")
    what = f"{request.method} {request.path}"[:300]
    IdempotentAnswer.objects.filter(token=caller.token, key=key, created_at__lt=timezone.now() - KEEP).delete()
    try:
        with transaction.atomic():
            answer = IdempotentAnswer.objects.create(token=caller.token, key=key, request=what, status=0, body={})
            status, body = create()
            answer.status, answer.body = status, body
            answer.save(update_fields=["status", "body"])
    except IntegrityError:
        first = IdempotentAnswer.objects.filter(token=caller.token, key=key).first()
        if first is None or first.status == 0:
            raise InvalidInput("A request with this Idempotency-Key is still being answered.", HEADER) from None
        if first.request != what:
            raise InvalidInput("This Idempotency-Key was used for another request.", HEADER) from None
        return _replay(first)
    return JsonResponse(body, status=status)
