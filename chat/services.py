"""Writes of the chat door: a workspace's set-up, and counting the questions asked."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from chat import selectors
from chat.models import AskedCount, ChatSetup
from core.errors import Conflict
from workspaces.models import Workspace

STALE = (
    "Another admin changed the chat set-up since you opened this page, and nothing was saved. "
    "The page now shows it as it is: make your change again."
)


@transaction.atomic
def chat_setup_save(
    *,
    workspace: Workspace,
    expected_version: int,
    slack_signing_secret: str | None = None,
    teams_security_token: str | None = None,
    channels: list[str] | None = None,
) -> ChatSetup:
    """Change the given parts of the set-up (None leaves a part as it is; "" forgets a
    secret). Refused (409) when the set-up changed since the admin's page read it."""
    ChatSetup.objects.get_or_create(workspace=workspace)
    setup = ChatSetup.objects.select_for_update().get(workspace=workspace)
    if setup.version != expected_version:
        raise Conflict(STALE)
    if slack_signing_secret is not None:
        setup.slack_signing_secret = slack_signing_secret
    if teams_security_token is not None:
        setup.teams_security_token = teams_security_token
    if channels is not None:
        setup.channels = "\n".join(channels)
    setup.version += 1
    setup.save()
    return setup


@transaction.atomic
def question_count(*, matrix_id: int, activity_id: int, now: datetime) -> None:
    """One more question found this activity; the matrix's most asked, kept in the cache for
    its page, follow at once (a count rolled back after this would leave the list one question
    ahead until the next one: not worth holding the answer for). Nothing about who asked is kept."""
    counts = AskedCount.objects.filter(matrix_id=matrix_id, activity_id=activity_id)
    if not counts.update(count=F("count") + 1, last_asked_at=now):
        try:
            with transaction.atomic():
                AskedCount.objects.create(matrix_id=matrix_id, activity_id=activity_id, count=1, last_asked_at=now)
        except IntegrityError:  # another question made the row first
            counts.update(count=F("count") + 1, last_asked_at=now)
    selectors.most_asked_fill(matrix_id=matrix_id)
