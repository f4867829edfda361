"""Versions the HTTP way: `ETag: "v<version>"` on what can be written, `If-Match` to write it.

A write whose `If-Match` (or `version` in its body) is not the current version is refused
with 412 and the current state; a cell write with neither is refused with 428, so no
script overwrites a letter it never read.
"""

from __future__ import annotations

import re
from typing import Any

_TAG = re.compile(r'^(?:W/)?"v(\d{1,18})"$')


class Stale(Exception):
    def __init__(self, detail: str, *, current: dict[str, Any] | None = None, changed_by: str | None = None):
        super().__init__(detail)
        self.detail, self.current, self.changed_by = detail, current, changed_by


class PreconditionRequired(Exception):
    pass


def etag(version: int) -> str:
    return f'"v{version}"'


def expected_version(request, body_version: int | None, *, required: bool, what: str) -> int | None:
    """The version the caller read, from `If-Match` or the body; None when not given (and
    not required). `If-Match: *` means "whatever it is now"."""
    header = request.headers.get("If-Match")
    if header is not None:
        header = header.strip()
        if header == "*":
            return None
        tags = [t.strip() for t in header.split(",") if t.strip()]
        versions = [int(m.group(1)) for t in tags if (m := _TAG.match(t))]
        if len(versions) != 1 or len(tags) != 1:
            raise Stale(f'If-Match names one version of the {what}, as its ETag gives it: "v12".')
        if body_version is not None and body_version != versions[0]:
            raise Stale(f"If-Match and the body's version of the {what} disagree.")
        return versions[0]
    if body_version is not None:
        return body_version
    if required:
        raise PreconditionRequired(
            f"Say which version of the {what} you read: send its ETag as If-Match, or `version` in the body."
        )
    return None
