"""Scoring, setting and confirming a tier, and the checklist the tier plans."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput
from launches import reminders, tiering
from launches.models import (
    Launch,
    ReadinessItem,
)
from launches.selectors import rubric_of
from workspaces.models import Membership, Role, RoleHolder, Workspace
from workspaces.services import role_ensure


@transaction.atomic
def launch_score(*, launch: Launch, scores: list[int]) -> int:
    """Record the launch's rubric scores; returns the suggested tier."""
    rubric = rubric_of(workspace_id=launch.cycle.workspace_id)
    try:
        total = tiering.score_total(rubric, scores)
    except tiering.RubricError as error:
        raise InvalidInput(error.message, error.field) from None
    launch.scores = list(scores)
    launch.save(update_fields=["scores"])
    return tiering.tier_for_total(rubric, total)


def _role_for(workspace: Workspace, code: str, roles: dict[str, Role]) -> Role:
    if code not in roles:
        roles[code] = role_ensure(workspace=workspace, code=code, name=tiering.ROLE_NAMES.get(code, code))
    return roles[code]


def _owner_ids(launch: Launch, roles: dict[str, Role]) -> dict[str, int | None]:
    """Who owns each role's items: the launch's own PM and PMM, else the role's first holder."""
    owners: dict[str, int | None] = {code: None for code in roles}
    for role_id, membership_id in (RoleHolder.objects.filter(role__in=roles.values())
                                   .order_by("-membership_id").values_list("role_id", "membership_id")):
        owners[next(code for code, role in roles.items() if role.pk == role_id)] = membership_id
    if launch.pm_owner_id and "PM" in owners:
        owners["PM"] = launch.pm_owner_id
    if launch.pmm_owner_id and "PMM" in owners:
        owners["PMM"] = launch.pmm_owner_id
    return owners


def _replan(launch: Launch) -> list[ReadinessItem]:
    workspace = launch.cycle.workspace
    new = tiering.deliverables_for(launch.tier)
    items = {item.key: item for item in launch.items.all()}
    plan = tiering.replan(new=new, existing=[tiering.ExistingItem(k, i.status) for k, i in items.items()])
    launch.items.filter(key__in=plan.delete).delete()
    codes = {d.role_code for d in new}
    roles = {r.code: r for r in Role.objects.filter(workspace=workspace, code__in=codes)}
    order = {d.key: n for n, d in enumerate(new)}
    for d in plan.update:
        item = items[d.key]
        item.title, item.required, item.order = d.title, d.required, order[d.key]
        item.due_date = tiering.due_date(launch.launch_date, d)
        item.save(update_fields=["title", "required", "order", "due_date", "updated_at"])
    for d in plan.create:
        _role_for(workspace, d.role_code, roles)
    owners = _owner_ids(launch, roles) if plan.create else {}
    fresh = [ReadinessItem(launch=launch, key=d.key, title=d.title, required=d.required, owner_role=roles[d.role_code],
                           owner_id=owners[d.role_code], due_date=tiering.due_date(launch.launch_date, d),
                           order=order[d.key])
             for d in plan.create]
    ReadinessItem.objects.bulk_create(fresh)
    # Kept items the new tier does not list (done, waived or started) go to the end.
    launch.items.exclude(key__in=order).update(order=len(order))
    return fresh


@transaction.atomic
def launch_set_tier(*, launch: Launch, tier: int | None, reason: str = "", actor: Membership) -> Launch:
    """Put the launch in a tier (None: back to untiered) and re-plan its checklist.

    A tier other than the rubric's suggestion (or with no suggestion yet) needs a reason.
    A new tier clears the PM and PMM leads' confirmations: they confirmed the old one.
    """
    launch = Launch.objects.select_for_update().select_related("cycle__workspace").get(pk=launch.pk)
    rubric = rubric_of(workspace_id=launch.cycle.workspace_id)
    if tier is not None and tier not in rubric.tiers:
        raise InvalidInput(f"There is no tier {tier}: pick one of {', '.join(rubric.tier_names)}.", "tier")
    reason = (reason or "").strip()
    suggested = tiering.suggest_tier(rubric, launch.scores)
    if tiering.reason_needed(suggested=suggested, chosen=tier) and not reason:
        if suggested is None:
            raise InvalidInput(f"{launch.name} is not scored yet: score it, or say why it is "
                               f"{rubric.tier_name(tier)}.", "reason")
        raise InvalidInput(f"The rubric suggests {rubric.tier_name(suggested)} for {launch.name}: say why it is "
                           f"{rubric.tier_name(tier)}.", "reason")
    if tier == launch.tier and reason == launch.tier_reason:
        return launch
    changed = tier != launch.tier
    launch.tier = tier
    launch.tier_reason = reason if tier is not None and tiering.reason_needed(suggested=suggested, chosen=tier) else ""
    launch.tiered_by, launch.tiered_at = (actor, timezone.now()) if tier is not None else (None, None)
    if changed:
        launch.pm_confirmed_by = launch.pmm_confirmed_by = None
        launch.pm_confirmed_at = launch.pmm_confirmed_at = None
    launch.save()
    if changed:
        created = _replan(launch)
        actor_user = actor.user if actor else None
        reminders.tier_changed(launch, tier_name=rubric.tier_name(tier) if tier is not None else "untiered",
                               actor=actor_user, assigned=created)
    return launch


@transaction.atomic
def tier_confirm(*, launch: Launch, membership: Membership, as_code: str) -> Launch:
    """The PM lead or the PMM lead confirms a Tier 1 or Tier 2 launch: the launch's PM
    owner (or a workspace admin) as the PM lead, its PMM owner (or an admin) as the PMM
    lead, and not the person who confirmed for the other role."""
    launch = Launch.objects.select_for_update().select_related("cycle").get(pk=launch.pk)
    if as_code not in tiering.LEADS:
        raise InvalidInput("Confirm as the PM lead or as the PMM lead.", "as")
    if not tiering.needs_confirmation(launch.tier):
        raise InvalidInput("Only Tier 1 and Tier 2 launches are confirmed by the leads.")
    if membership.workspace_id != launch.cycle.workspace_id or not tiering.may_confirm(
            as_code=as_code, member_id=membership.pk, is_admin=membership.is_admin,
            pm_owner_id=launch.pm_owner_id, pmm_owner_id=launch.pmm_owner_id):
        raise InvalidInput(f"Only the launch's {as_code} owner or a workspace admin confirms as the {as_code} lead.")
    other = launch.pmm_confirmed_by_id if as_code == "PM" else launch.pm_confirmed_by_id
    if other == membership.pk:
        raise InvalidInput("The PM lead and the PMM lead are two different people: someone else confirms this one.")
    now = timezone.now()
    if as_code == "PM":
        launch.pm_confirmed_by, launch.pm_confirmed_at = membership, now
    else:
        launch.pmm_confirmed_by, launch.pmm_confirmed_at = membership, now
    launch.save(update_fields=[f"{as_code.lower()}_confirmed_by", f"{as_code.lower()}_confirmed_at"])
    return launch
