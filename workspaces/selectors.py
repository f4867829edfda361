"""Reads for workspaces, members and roles."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from workspaces.models import Membership, Role, RoleHolder


def workspaces_of(*, user) -> list[Membership]:
    return list(Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name"))


def members_of(*, workspace) -> list[Membership]:
    return list(
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .prefetch_related("held_roles__role")
        .order_by("user__username")
    )


def roles_of(*, workspace) -> list[Role]:
    return list(
        Role.objects.filter(workspace=workspace)
        .prefetch_related("holders__membership__user")
        .annotate(n_matrices=Count("columns", distinct=True))
        .order_by("code")
    )


def member_get(*, workspace, member_id: int) -> Membership | None:
    return Membership.objects.filter(workspace=workspace, pk=member_id).select_related("user", "workspace").first()


def others_holding(role_ids: set[int], membership: Membership) -> dict[int, list[str]]:
    others: dict[int, list[str]] = defaultdict(list)
    for holder in (
        RoleHolder.objects.filter(role_id__in=role_ids)
        .exclude(membership=membership)
        .select_related("membership__user")
        .order_by("membership__user__username")
    ):
        others[holder.role_id].append(holder.membership.display_name)
    return others
