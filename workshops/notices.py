"""What invitees hear of a workshop: that they are invited, and that its proposals are
revealed. Sent through the notifications app like every other event (the bell and e-mail
by each person's choices, and the workspace's webhook), inside the writing transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.urls import reverse

from notifications.models import NotificationKind
from notifications.notify import Event, emit
from workshops.models import Workshop
from workspaces.models import Membership


def _event(workshop: Workshop, *, kind: str, key: str, title: str, body: str, actor) -> Event:
    matrix = workshop.matrix
    workspace = matrix.workspace
    return Event(
        workspace_id=workspace.pk,
        workspace_slug=workspace.slug,
        kind=kind,
        key=key,
        title=title,
        body=body,
        url=reverse("workshops:workshop", args=[workspace.slug, matrix.slug, workshop.pk]),
        actor_id=actor.pk if actor else None,
        actor_name=(actor.get_full_name() or actor.username) if actor else "",
        data={"matrix": matrix.name, "workshop": workshop.title, "status": workshop.status},
        matrix_id=matrix.pk,
    )


def _users(membership_ids: Iterable[int]) -> list[int]:
    return list(Membership.objects.filter(pk__in=list(membership_ids)).values_list("user_id", flat=True))


def invited(workshop: Workshop, membership_ids: Iterable[int], *, actor) -> None:
    """Tell the members just invited (never the one who invited them)."""
    ids = sorted(set(membership_ids))
    if not ids:
        return
    batch = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]
    who = (actor.get_full_name() or actor.username) if actor else "The facilitator"
    emit(
        _event(
            workshop,
            kind=NotificationKind.WORKSHOP_INVITED,
            key=f"workshop_invited:{workshop.pk}:{batch}",
            title=f"You are invited to “{workshop.title}” on {workshop.matrix.name}",
            body=f"{who} invites you to propose who does what. Nobody sees your letters until the reveal.",
            actor=actor,
        ),
        recipients=_users(ids),
    )


def revealed(workshop: Workshop, *, actor) -> None:
    """Tell every participant that the proposals are revealed."""
    emit(
        _event(
            workshop,
            kind=NotificationKind.WORKSHOP_REVEALED,
            key=f"workshop_revealed:{workshop.pk}",
            title=f"The proposals of “{workshop.title}” are revealed",
            body="See where the room agrees and where it does not: the cells people disagree on come first.",
            actor=actor,
        ),
        recipients=_users(workshop.participants.values_list("pk", flat=True)),
    )
