"""What every router of the API shares: who is calling, the refusals an operation documents,
ids as path parameters, names of people, and content versions for things without a counter.

Each router (`api.endpoints` for the matrix, `api.launches`, `api.workshops`, …) reads as a
page's view does: the caller, what they may do, one service or selector, the answer.
"""

from __future__ import annotations

import zlib
from typing import Annotated, Any

from ninja import Field

from api import schemas
from api.problems import READ, WRITE, Problem
from api.tokens import Caller
from api.versions import Stale, expected_version

READS = {frozenset(READ): Problem}
WRITES = {frozenset(WRITE): Problem}
# Ids are the database's: anything larger cannot name a row, and is refused as input.
Id = Annotated[int, Field(ge=1, le=schemas.ID_MAX)]


def caller(request) -> Caller:
    return request.auth


def writer(request) -> Caller:
    found = caller(request)
    found.require_write()
    return found


def person_name(user) -> str | None:
    if user is None:
        return None
    return f"{user.first_name} {user.last_name}".strip() or user.username


def member(membership) -> dict | None:
    """A member as the API names them: their membership id (what a write names) and name."""
    if membership is None:
        return None
    return {"id": membership.pk, "name": membership.display_name}


def content_version(*values: Any) -> int:
    """A version for a thing that keeps no counter of its own (a launch, a checklist item):
    a checksum of what a write may change, so `If-Match` refuses a write over a change the
    caller never read, as a counter would."""
    return zlib.crc32(repr(values).encode("utf-8", "surrogatepass"))


def check_version(request, body_version: int | None, current: int, *, what: str, state: dict) -> None:
    """412 with the current state when the caller says they read another version."""
    expected = expected_version(request, body_version, required=False, what=what)
    if expected is not None and expected != current:
        raise Stale(f"The {what} changed since you read it: read it again. Nothing was saved.", current=state)
