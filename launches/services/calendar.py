"""Dates to avoid and the calendar feed's token."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from core.errors import InvalidInput, NotFound
from launches.models import (
    AvoidDate,
    CalendarFeed,
)
from launches.services.launch import clean_name
from workspaces.models import Workspace


@transaction.atomic
def avoid_date_add(*, workspace: Workspace, name: str, start: date, end: date | None = None) -> AvoidDate:
    end = end or start
    if end < start:
        raise InvalidInput("The end comes on or after the start.", "end")
    return AvoidDate.objects.create(workspace=workspace, name=clean_name(name, "date to avoid"), start=start, end=end)


@transaction.atomic
def avoid_date_remove(*, workspace: Workspace, avoid_id: int) -> None:
    deleted, _ = AvoidDate.objects.filter(workspace=workspace, pk=avoid_id).delete()
    if not deleted:
        raise NotFound("No such date to avoid.")


@transaction.atomic
def feed_token_regenerate(*, workspace: Workspace, actor=None) -> CalendarFeed:
    """A new secret for the workspace's calendar feed, made by `actor`: the old URL stops working."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(
        workspace=workspace, defaults={"made_by": actor}
    )
    if not created:
        feed.token = CalendarFeed._meta.get_field("token").default()
        feed.made_by = actor
        feed.save()
    return feed
