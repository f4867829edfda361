"""Domain errors: services raise them, and each knows the HTTP status it is answered with
(`status`), which the response layer (`core.responses`) reads: 403, 404, 409 or 422.

Import them from here only: a view catches one only to show it beside a form's field or in
its own fragment, and then answers with the error's own status."""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 422

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """What was sent cannot be done as it is (a bad value, a step out of order): 422."""

    status = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    """What the request concerns is not there (any more): 404."""

    status = 404


class Forbidden(DomainError):
    """The person's access does not allow it: 403."""

    status = 403

    def __init__(self, message: str = "Your access to this workspace does not allow that.", link=None):
        super().__init__(message)
        # (label, url): where the person can put it right, shown on the error page.
        self.link: tuple[str, str] | None = link


class Conflict(DomainError):
    """Someone else changed the thing since the editor loaded it; nothing was saved: 409."""

    status = 409


class StaleEdit(Conflict):
    """Someone changed the cell since the editor loaded it: `value` and `version` are the
    cell's now."""

    def __init__(self, *, value: str, version: int):
        super().__init__("Someone changed this cell since you loaded it; your edit was not saved.")
        self.value = value
        self.version = version


class StaleChanges(Conflict):
    """A change made as one (a fix, an undo) was refused because what it concerns changed
    since the person looked: `changes` says what changed, by whom, one line each."""

    def __init__(self, message: str, *, changes: list[str]):
        super().__init__(message)
        self.changes = changes
