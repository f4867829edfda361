"""Domain errors: services raise them, the response layer turns them into 403/404/409/422."""

from __future__ import annotations


class DomainError(Exception):
    pass


class InvalidInput(DomainError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    pass


class Forbidden(DomainError):
    """The person's access does not allow it."""

    def __init__(self, message: str = "Your access to this workspace does not allow that."):
        super().__init__(message)
        self.message = message


class Conflict(DomainError):
    """Someone else changed the thing since the editor loaded it; nothing was saved."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleEdit(DomainError):
    """Someone changed the cell since the editor loaded it."""

    def __init__(self, *, value: str, version: int):
        super().__init__("stale edit")
        self.value = value
        self.version = version


class StaleChanges(Conflict):
    """A change made as one (a fix, an undo) was refused because what it concerns changed
    since the person looked: `changes` says what changed, by whom, one line each."""

    def __init__(self, message: str, *, changes: list[str]):
        super().__init__(message)
        self.changes = changes
