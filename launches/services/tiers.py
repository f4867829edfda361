"""Scoring, setting and confirming a tier, and the checklist the tier plans."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput, NotFound
from launches import live, reminders, selectors, tiering
from launches.models import (
    Launch,
    ReadinessItem,
)
from launches.selectors import rubric_of
from raci import services as raci_services
from raci.models import Matrix
from workspaces.models import Membership, Role, RoleHolder


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


def _people_of(launch: Launch, role_ids) -> dict[int, int | None]:
    """Who does each role's items (`tiering.person_for_role`): the launch's own PM and PMM
    owners for the PM and PMM roles, else the role's first holder, else nobody."""
    role_ids = {r for r in role_ids if r is not None}
    if not role_ids:
        return {}
    codes = dict(Role.objects.filter(pk__in=role_ids).values_list("pk", "code"))
    holders: dict[int, list[int]] = {role_id: [] for role_id in role_ids}
    for role_id, membership_id in RoleHolder.objects.filter(role_id__in=role_ids).values_list(
        "role_id", "membership_id"
    ):
        holders[role_id].append(membership_id)
    return {
        role_id: tiering.person_for_role(
            code=codes.get(role_id, ""),
            holder_ids=holders[role_id],
            pm_owner_id=launch.pm_owner_id,
            pmm_owner_id=launch.pmm_owner_id,
        )
        for role_id in role_ids
    }


def reresolve_owners(launch: Launch, items: list[ReadinessItem], owners: selectors.LaunchOwners) -> list[ReadinessItem]:
    """Give every open item the owner role its activity has in the matrix now (and that
    role's person); returns the items whose owner role changed. Done and waived items keep
    who did them."""
    wanted = {item.pk: owners.role_for(item) for item in items if item.is_open}
    changed = [item for item in items if item.pk in wanted and wanted[item.pk] != item.owner_role_id]
    people = _people_of(launch, {wanted[item.pk] for item in changed})
    now = timezone.now()
    for item in changed:
        item.owner_role_id = wanted[item.pk]
        item.owner_id = people.get(item.owner_role_id)
        item.updated_at = now
    if changed:
        ReadinessItem.objects.bulk_update(changed, ["owner_role", "owner", "updated_at"])
        live.cycles_changed(cycle_ids=[launch.cycle_id])  # a bulk update sends no signal
    seq = owners.matrix.last_seq if owners.matrix is not None else 0
    if launch.owners_seq != seq:
        launch.owners_seq = seq
        Launch.objects.filter(pk=launch.pk).update(owners_seq=seq)
    return changed


@transaction.atomic
def checklist_owners_follow(*, workspace_id: int | None = None, actor=None) -> int:
    """Launches whose matrix (or the workspace's default matrix) changed since their
    checklist's owners were taken: the open items take the owners the matrix gives now,
    and whoever an item went to is told (its person, or for a role nobody holds the
    admins). Beat runs it every tick; a launch whose matrix did not move costs nothing
    beyond the first three queries. Returns the number of items that changed owner."""
    launches = Launch.objects.filter(items__status__in=tiering.OPEN).distinct()
    if workspace_id is not None:
        launches = launches.filter(cycle__workspace_id=workspace_id)
    rows = list(launches.values_list("pk", "matrix_id", "owners_seq", "cycle__workspace_id"))
    if not rows:
        return 0
    defaults = dict(
        Matrix.objects.filter(is_default=True, workspace_id__in={ws for *_, ws in rows}).values_list(
            "workspace_id", "pk"
        )
    )
    sources = {pk: (matrix_id or defaults.get(ws)) for pk, matrix_id, _, ws in rows}
    seqs = dict(Matrix.objects.filter(pk__in={m for m in sources.values() if m}).values_list("pk", "last_seq"))
    stale = [pk for pk, _, seq, _ in rows if sources[pk] and seqs.get(sources[pk]) != seq]
    moved = 0
    for launch in Launch.objects.select_for_update().select_related("cycle__workspace").filter(pk__in=stale):
        changed = reresolve_owners(launch, list(launch.items.all()), selectors.launch_owners_of(launch=launch))
        reminders.items_assigned(launch, changed, actor=actor)
        moved += len(changed)
    return moved


def _replan(launch: Launch) -> tuple[list[ReadinessItem], list[ReadinessItem]]:
    """Plan the checklist of the launch's tier, its owners taken from the matrix; returns
    the items created and the kept items whose owner changed."""
    new = tiering.deliverables_for(launch.tier)
    items = {item.key: item for item in launch.items.all()}
    plan = tiering.replan(new=new, existing=[tiering.ExistingItem(k, i.status) for k, i in items.items()])
    launch.items.filter(key__in=plan.delete).delete()
    order = {d.key: n for n, d in enumerate(new)}
    for d in plan.update:
        item = items[d.key]
        item.title, item.required, item.order = d.title, d.required, order[d.key]
        item.due_date = tiering.due_date(launch.launch_date, d)
        item.save(update_fields=["title", "required", "order", "due_date", "updated_at"])
    owners = selectors.launch_owners_of(launch=launch)
    metric_done = tiering.metric_agreed(metric_name=launch.metric_name, metric_target=launch.metric_target)
    fresh = [
        ReadinessItem(
            launch=launch,
            key=d.key,
            title=d.title,
            required=d.required,
            due_date=tiering.due_date(launch.launch_date, d),
            order=order[d.key],
            status=ReadinessItem.Status.DONE
            if d.key == tiering.METRIC_KEY and metric_done
            else ReadinessItem.Status.TODO,
        )
        for d in plan.create
    ]
    roles = {item.key: owners.role_for(item) for item in fresh}
    people = _people_of(launch, roles.values())
    for item in fresh:
        item.owner_role_id = roles[item.key]
        item.owner_id = people.get(roles[item.key])
    ReadinessItem.objects.bulk_create(fresh)
    # Kept items the new tier does not list (done, waived or started) go to the end.
    launch.items.exclude(key__in=order).update(order=len(order))
    kept = [items[d.key] for d in plan.update]
    return fresh, reresolve_owners(launch, kept, owners)


@transaction.atomic
def checklist_owners_refresh(*, launch: Launch, actor=None) -> list[ReadinessItem]:
    """Take the owners of the open items from the matrix again (after it was edited);
    returns the items whose owner changed, whose new owners are told."""
    launch = Launch.objects.select_for_update().select_related("cycle__workspace").get(pk=launch.pk)
    changed = reresolve_owners(launch, list(launch.items.all()), selectors.launch_owners_of(launch=launch))
    reminders.items_assigned(launch, changed, actor=actor)
    return changed


@transaction.atomic
def holders_named(*, role_ids: list[int], actor=None) -> list[ReadinessItem]:
    """Someone now holds a role that open items were waiting on with nobody to do them:
    each such item goes to the role's person on its launch, who is told."""
    waiting = list(
        ReadinessItem.objects.select_for_update()
        .filter(owner_role_id__in=role_ids, owner__isnull=True, status__in=tiering.OPEN)
        .select_related("launch__cycle__workspace")
    )
    by_launch: dict[int, tuple[Launch, list[ReadinessItem]]] = {}
    for item in waiting:
        by_launch.setdefault(item.launch_id, (item.launch, []))[1].append(item)
    named = []
    for launch, items in by_launch.values():
        people = _people_of(launch, {i.owner_role_id for i in items})
        found = [i for i in items if people.get(i.owner_role_id)]
        for item in found:
            item.owner_id = people[item.owner_role_id]
        ReadinessItem.objects.bulk_update(found, ["owner"])
        if found:
            live.cycles_changed(cycle_ids=[launch.cycle_id])  # a bulk update sends no signal
        reminders.items_assigned(launch, found, actor=actor)
        named += found
    return named


@transaction.atomic
def item_choose_role(*, launch: Launch, item_id: int, role_id: int | None, actor=None) -> ReadinessItem:
    """Several roles are R on the item's activity: the one that owns the item."""
    launch = Launch.objects.select_for_update().select_related("cycle__workspace").get(pk=launch.pk)
    item = launch.items.filter(pk=item_id).first()
    if item is None:
        raise NotFound("No such checklist item.")
    found = selectors.launch_owners_of(launch=launch).of(item)
    if role_id is not None and (found is None or role_id not in found.role_ids):
        names = ", ".join(code for _, code, _ in found.candidates) if found and found.candidates else "none"
        raise InvalidInput(f"Pick one of the roles that are R on it in the matrix ({names}).", "role")
    item.chosen_role_id = role_id
    item.save(update_fields=["chosen_role", "updated_at"])
    changed = reresolve_owners(launch, [item], selectors.launch_owners_of(launch=launch)) if item.is_open else []
    reminders.items_assigned(launch, changed, actor=actor)
    return item


@transaction.atomic
def item_owner_from_template(*, launch: Launch, item_id: int, since: int | None, actor) -> ReadinessItem:
    """The item has no owner because the matrix lacks its activity, or nobody is R or A on
    it: take the activity from the template into the matrix (one change in its history),
    then take the checklist's owners from it again."""
    launch = Launch.objects.select_for_update().select_related("cycle__workspace").get(pk=launch.pk)
    item = launch.items.filter(pk=item_id).first()
    if item is None or not item.activity_key:
        raise NotFound("No such checklist item.")
    owners = selectors.launch_owners_of(launch=launch)
    if owners.matrix is None:
        raise InvalidInput("The launch has no matrix and the workspace names no default matrix: pick one first.")
    raci_services.activity_from_template(matrix=owners.matrix, key=item.activity_key, actor=actor, since=since)
    changed = reresolve_owners(launch, list(launch.items.all()), selectors.launch_owners_of(launch=launch))
    reminders.items_assigned(launch, changed, actor=actor)
    item.refresh_from_db()
    return item


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
            raise InvalidInput(
                f"{launch.name} is not scored yet: score it, or say why it is {rubric.tier_name(tier)}.", "reason"
            )
        raise InvalidInput(
            f"The rubric suggests {rubric.tier_name(suggested)} for {launch.name}: say why it is "
            f"{rubric.tier_name(tier)}.",
            "reason",
        )
    if tier == launch.tier and reason == launch.tier_reason:
        return launch
    changed = tier != launch.tier
    launch.tier = tier
    launch.tier_reason = reason if tier is not None and tiering.reason_needed(suggested=suggested, chosen=tier) else ""
    launch.tiered_by, launch.tiered_at = (actor, timezone.now()) if tier is not None else (None, None)
    if changed:
        withdraw_confirmations(launch, tiering.LEADS)
    launch.save()
    if changed:
        created, reassigned = _replan(launch)
        actor_user = actor.user if actor else None
        reminders.tier_changed(
            launch,
            tier_name=rubric.tier_name(tier) if tier is not None else "untiered",
            actor=actor_user,
            assigned=created + reassigned,
        )
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
        as_code=as_code,
        member_id=membership.pk,
        is_admin=membership.is_admin,
        pm_owner_id=launch.pm_owner_id,
        pmm_owner_id=launch.pmm_owner_id,
    ):
        raise InvalidInput(f"Only the launch's {as_code} owner or a workspace admin confirms as the {as_code} lead.")
    other = launch.pmm_confirmed_by_id if as_code == "PM" else launch.pm_confirmed_by_id
    if other == membership.pk:
        raise InvalidInput("The PM lead and the PMM lead are two different people: someone else confirms this one.")
    prefix = as_code.lower()
    setattr(launch, f"{prefix}_confirmed_by", membership)
    setattr(launch, f"{prefix}_confirmed_at", timezone.now())
    setattr(
        launch,
        f"{prefix}_confirmed_as",
        tiering.confirmed_as(
            as_code=as_code, member_id=membership.pk, pm_owner_id=launch.pm_owner_id, pmm_owner_id=launch.pmm_owner_id
        ),
    )
    launch.save(update_fields=[f"{prefix}_confirmed_by", f"{prefix}_confirmed_at", f"{prefix}_confirmed_as"])
    return launch


def withdraw_confirmations(launch: Launch, leads) -> list[str]:
    """Clear the confirmations of these leads on the (unsaved) launch; the fields to save."""
    fields = []
    for code in leads:
        prefix = code.lower()
        setattr(launch, f"{prefix}_confirmed_by", None)
        setattr(launch, f"{prefix}_confirmed_at", None)
        setattr(launch, f"{prefix}_confirmed_as", "")
        fields += [f"{prefix}_confirmed_by", f"{prefix}_confirmed_at", f"{prefix}_confirmed_as"]
    return fields
