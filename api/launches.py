"""Launch cycles, launches, their readiness checklists and go/no-go, and the quarter's plan
warnings and workload, through the same services and selectors as the launch pages.

A launch is addressed by its id within the workspace (`/w/{ws}/launches/{id}`), so a script
keeps its address when the launch moves to another quarter; a cycle by its slug (2027-q1).
Writes are an editor's, as on the pages; confirming a tier is the launch's PM or PMM owner's
(or an admin's), as on the launch page.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from ninja import Router, Status

from api import launch_schemas as s
from api.common import READS, WRITES, Id, caller, check_version, content_version, member, person_name, writer
from api.endpoints import matrix_of
from api.idempotency import idempotent
from api.tokens import Caller
from api.versions import etag
from core.errors import Forbidden, InvalidInput, NotFound
from core.links import absolute
from launches import selectors, services, tiering
from launches.models import Launch, ReadinessItem
from launches.plan_warnings import Warning
from raci import changelog
from workspaces import selectors as workspace_selectors
from workspaces import workload as workloads
from workspaces.models import Membership

router = Router()

W = "/w/{ws}"
L = W + "/launches/{launch_id}"
I = L + "/items/{item}"  # noqa: E741 - the item's address, like W and L


# --- reading -------------------------------------------------------------------------------


def _cycle(caller_: Caller, slug: str):
    cycle = selectors.cycle_get(workspace=caller_.workspace, slug=slug[:10])
    if cycle is None:
        raise NotFound("No such launch cycle.")
    return cycle


def _launch(caller_: Caller, launch_id: int) -> Launch:
    """The launch of the caller's workspace with what its page shows beside it."""
    found = selectors.launch_in_workspace(workspace=caller_.workspace, launch_id=launch_id)
    launch = found and selectors.launch_of(workspace=caller_.workspace, cycle_slug=found.cycle.slug, launch_id=found.pk)
    if launch is None:
        raise NotFound("No such launch.")
    return launch


def _matrix_id(caller_: Caller, slug: str | None) -> int | None:
    """A matrix named in a body: one the workspace does not have is a field to correct (422)."""
    if not slug:
        return None
    try:
        return matrix_of(caller_, slug).pk
    except NotFound:
        raise InvalidInput(f"The workspace has no matrix “{slug}”: pick one of its matrices.", "matrix") from None


def _quarter(text: str) -> workloads.Quarter:
    year, number = services.parse_quarter(text[:20])
    return workloads.Quarter(year, number)


def _page(launch: Launch, anchor: str = "") -> str:
    url = reverse("launches:launch", args=[launch.cycle.workspace.slug, launch.cycle.slug, launch.pk])
    return absolute(url) + anchor


def _warning(w: Warning) -> dict:
    return {"launch_id": w.launch_id, "code": w.code, "message": w.message, "move_to": w.move_to_name or None}


def _summary(launch: Launch, rubric, warnings: list[Warning], ready: bool) -> dict:
    suggested = tiering.suggest_tier(rubric, launch.scores)
    return {
        "id": launch.pk,
        "name": launch.name,
        "cycle": launch.cycle.slug,
        "tier": launch.tier,
        "tier_name": rubric.tier_name(launch.tier),
        "suggested_tier": suggested,
        "suggested_tier_name": rubric.tier_name(suggested) if suggested else "",
        "score_total": tiering.score_total(rubric, launch.scores) if suggested else None,
        "pm_owner": member(launch.pm_owner),
        "pmm_owner": member(launch.pmm_owner),
        "ship_date": launch.ship_date,
        "launch_date": launch.launch_date,
        "status": launch.status,
        "ready": ready,
        "warnings": [_warning(w) for w in warnings],
        "url": _page(launch),
    }


def _launch_version(launch: Launch) -> int:
    return content_version(
        launch.name,
        launch.summary,
        launch.pm_owner_id,
        launch.pmm_owner_id,
        launch.matrix_id,
        launch.ship_date,
        launch.launch_date,
        launch.tier,
        launch.cycle_id,
    )


def _item_version(item: ReadinessItem) -> int:
    return content_version(
        item.status, item.owner_id, item.owner_role_id, item.chosen_role_id, item.waive_reason, item.evidence_url
    )


def _item(item: ReadinessItem, owners) -> dict:
    ownership = selectors.item_ownership(item, owners)
    return {
        "id": item.pk,
        "key": item.key,
        "title": item.title,
        "required": item.required,
        "status": item.status,
        "due_date": item.due_date,
        "owner_role": {"id": item.owner_role.pk, "code": item.owner_role.code} if item.owner_role else None,
        "owner": member(item.owner),
        "owner_label": selectors.item_owner_label(item),
        "chosen_role_id": item.chosen_role_id,
        "waive_reason": item.waive_reason,
        "evidence_url": item.evidence_url,
        "ownership": {
            "state": ownership.state,
            "activity": ownership.activity,
            "candidates": [{"role_id": r, "code": c, "letter": x} for r, c, x in ownership.candidates],
        },
        "version": _item_version(item),
    }


def _confirmation(by: Membership | None, as_: str, at) -> dict | None:
    if by is None:
        return None
    return {"by": member(by), "confirmed_as": as_ or "owner", "at": at}


def _launch_body(launch: Launch) -> dict:
    """The launch as its page shows it, read by the page's own selectors."""
    workspace = launch.cycle.workspace
    rubric = selectors.rubric_of(workspace_id=workspace.pk)
    today = workspace.today()
    items = selectors.checklist_of(launch=launch)
    owners = selectors.launch_owners_of(launch=launch)
    readiness = selectors.readiness_of(launch=launch, items=items, today=today)
    warnings = selectors.plan_warnings_of(cycle=launch.cycle, rubric=rubric, today=today).get(launch.pk, [])
    return {
        **_summary(launch, rubric, warnings, readiness.ready),
        "summary": launch.summary,
        "matrix": launch.matrix.slug if launch.matrix else None,
        "scores": list(launch.scores or []),
        "tier_reason": launch.tier_reason,
        "needs_confirmation": tiering.needs_confirmation(launch.tier),
        "confirmations": {
            "PM": _confirmation(launch.pm_confirmed_by, launch.pm_confirmed_as, launch.pm_confirmed_at),
            "PMM": _confirmation(launch.pmm_confirmed_by, launch.pmm_confirmed_as, launch.pmm_confirmed_at),
        },
        "readiness": {
            "ready": readiness.ready,
            "line": readiness.line,
            "open_required": readiness.open_required,
            "overdue": readiness.overdue,
            "blockers": [{"text": b.text, "url": _page(launch, b.anchor)} for b in readiness.each],
        },
        "items": [_item(item, owners) for item in items],
        "dependencies": [
            {"id": d.pk, "before_id": d.before_id, "before_name": d.before.name, "before_cycle": d.before.cycle.slug}
            for d in selectors.dependencies_of(launch=launch)
        ],
        "go_decisions": [
            {
                "id": g.pk,
                "decision": g.decision,
                "notes": g.notes,
                "decided_by": person_name(g.decided_by),
                "decided_at": g.decided_at,
            }
            for g in selectors.go_decisions_of(launch=launch)
        ],
        "readout": selectors.readout_of(launch),
        "version": _launch_version(launch),
    }


def _answer(caller_: Caller, launch_id: int, response: HttpResponse | None = None) -> dict:
    body = _launch_body(_launch(caller_, launch_id))
    if response is not None:
        response["ETag"] = etag(body["version"])
    return body


def _cycle_body(cycle, count: int, tiered: int) -> dict:
    return {
        "slug": cycle.slug,
        "name": cycle.name,
        "year": cycle.year,
        "quarter": cycle.quarter,
        "launches": count,
        "tiered": tiered,
        "url": absolute(reverse("launches:cycle", args=[cycle.workspace.slug, cycle.slug])),
    }


# --- people a launch may name --------------------------------------------------------------


@router.get(W + "/people", response={200: list[s.PersonEntry], **READS}, summary="Members a launch or item may name")
def people_list(request, ws: str):
    """Names and ids, as the launch form offers them to choose from (addresses stay admins')."""
    return [
        {
            "id": m.pk,
            "name": m.display_name,
            "username": m.user.username,
            "roles": sorted(h.role.code for h in m.held_roles.all()),
        }
        for m in workspace_selectors.members_of(workspace=caller(request).workspace)
    ]


# --- cycles --------------------------------------------------------------------------------


@router.get(W + "/cycles", response={200: list[s.Cycle], **READS}, summary="Launch cycles, newest first")
def cycles_list(request, ws: str):
    caller_ = caller(request)
    found = selectors.cycles_of(workspace=caller_.workspace)
    for cycle in found:
        cycle.workspace = caller_.workspace
    # cycles_of annotates each cycle with its counts, as the cycles page shows them.
    return [_cycle_body(c, getattr(c, "launch_count", 0), getattr(c, "tiered_count", 0)) for c in found]


@router.post(
    W + "/cycles",
    response={201: s.Cycle, **WRITES},
    summary="Open a quarter's launch cycle",
    description="Send an `Idempotency-Key` header to retry safely.",
)
def cycle_create(request, ws: str, body: s.CycleCreate):
    caller_ = writer(request)

    def create():
        cycle = services.cycle_create(workspace=caller_.workspace, quarter=body.quarter)
        cycle.workspace = caller_.workspace
        return 201, s.Cycle.model_validate(_cycle_body(cycle, 0, 0)).model_dump(mode="json")

    return idempotent(request, caller_, create)


@router.get(
    W + "/cycles/{cycle}",
    response={200: s.CycleBoard, **READS},
    summary="A cycle's tiering board: its launches with suggested tiers, readiness and plan warnings",
)
def cycle_read(request, ws: str, cycle: str):
    caller_ = caller(request)
    found = _cycle(caller_, cycle)
    rubric = selectors.rubric_of(workspace_id=caller_.workspace.pk)
    board = selectors.board_of(cycle=found, rubric=rubric, today=caller_.workspace.today())
    cards = [card for column in board.columns for card in column.cards]
    return {
        **_cycle_body(found, len(cards), sum(1 for c in cards if c.launch.tier is not None)),
        "tiers": [rubric.tier_name(t) for t in rubric.tiers],
        "questions": [q.text for q in rubric.questions],
        "launch_list": [_summary(card.launch, rubric, card.warnings, card.ready) for card in cards],
    }


@router.post(
    W + "/cycles/{cycle}/launches",
    response={201: s.Launch, **WRITES},
    summary="Add a candidate launch to a cycle",
    description="Send an `Idempotency-Key` header to retry safely.",
)
def launch_create(request, ws: str, cycle: str, body: s.LaunchCreate):
    caller_ = writer(request)
    found = _cycle(caller_, cycle)

    def create():
        launch = services.launch_create(
            cycle=found,
            name=body.name,
            summary=body.summary,
            pm_owner_id=body.pm_owner_id,
            pmm_owner_id=body.pmm_owner_id,
            matrix_id=_matrix_id(caller_, body.matrix),
            ship_date=body.ship_date,
            launch_date=body.launch_date,
        )
        return 201, s.Launch.model_validate(_answer(caller_, launch.pk)).model_dump(mode="json")

    return idempotent(request, caller_, create)


# --- one launch ----------------------------------------------------------------------------


@router.get(L, response={200: s.Launch, **READS}, summary="A launch with its checklist, readiness and go decisions")
def launch_read(request, ws: str, launch_id: Id, response: HttpResponse):
    return _answer(caller(request), launch_id, response)


@router.patch(
    L,
    response={200: s.Launch, **WRITES},
    summary="Edit a launch: name, owners, matrix, dates",
    description="Fields left out are kept; `clear` empties the ones named. A new launch date moves the "
    "checklist's due dates; new owners take over the open items and confirm the tier again.",
)
def launch_change(request, ws: str, launch_id: Id, body: s.LaunchChange, response: HttpResponse):
    caller_ = writer(request)
    launch = _launch(caller_, launch_id)
    check_version(
        request, body.version, _launch_version(launch), what="launch", state={"version": _launch_version(launch)}
    )
    given = body.dict(exclude_none=True)
    cleared = set(body.clear)

    def pick(field: str, now):
        return None if field in cleared else given.get(field, now)

    matrix_slug = pick("matrix", launch.matrix.slug if launch.matrix else None)
    services.launch_update(
        launch=launch,
        name=given.get("name", launch.name),
        summary=given.get("summary", launch.summary),
        pm_owner_id=pick("pm_owner_id", launch.pm_owner_id),
        pmm_owner_id=pick("pmm_owner_id", launch.pmm_owner_id),
        matrix_id=_matrix_id(caller_, matrix_slug),
        ship_date=pick("ship_date", launch.ship_date),
        launch_date=pick("launch_date", launch.launch_date),
        actor=caller_.user,
    )
    return _answer(caller_, launch_id, response)


@router.put(
    L + "/scores",
    response={200: s.Launch, **WRITES},
    summary="Score a launch on the rubric: the answer says the tier it suggests",
)
def launch_score(request, ws: str, launch_id: Id, body: s.Scores):
    caller_ = writer(request)
    services.launch_score(launch=_launch(caller_, launch_id), scores=body.scores)
    return _answer(caller_, launch_id)


@router.put(
    L + "/tier",
    response={200: s.Launch, **WRITES},
    summary="Propose a tier (or none), as on the board",
    description="A tier other than the rubric's suggestion needs a `reason`. A new tier plans its checklist "
    "and withdraws the leads' confirmations.",
)
def launch_tier(request, ws: str, launch_id: Id, body: s.TierSet):
    caller_ = writer(request)
    services.launch_set_tier(
        launch=_launch(caller_, launch_id), tier=body.tier, reason=body.reason, actor=caller_.membership
    )
    return _answer(caller_, launch_id)


@router.post(
    L + "/tier/confirm",
    response={200: s.Launch, **WRITES},
    summary="Confirm a Tier 1 or 2 launch's tier as its PM or PMM lead",
    description="The launch's PM owner (or an admin) confirms as the PM lead, its PMM owner (or an admin) as "
    "the PMM lead; the two leads are two people.",
)
def tier_confirm(request, ws: str, launch_id: Id, body: s.TierConfirm):
    caller_ = writer(request)
    launch = _launch(caller_, launch_id)
    if body.lead not in selectors.lead_codes_of(membership=caller_.membership, launch=launch):
        raise Forbidden(f"Only the launch's {body.lead} owner or a workspace admin confirms as the {body.lead} lead.")
    services.tier_confirm(launch=launch, membership=caller_.membership, as_code=body.lead)
    return _answer(caller_, launch_id)


@router.post(L + "/status", response={200: s.Launch, **WRITES}, summary="Say how the launch stands, with a note")
def launch_status(request, ws: str, launch_id: Id, body: s.StatusSet):
    caller_ = writer(request)
    services.status_update(
        launch=_launch(caller_, launch_id), status=body.status, note=body.note, author=caller_.membership
    )
    return _answer(caller_, launch_id)


@router.post(
    L + "/dependencies",
    response={201: s.Launch, **WRITES},
    summary="Say the launch cannot launch before another",
)
def dependency_add(request, ws: str, launch_id: Id, body: s.DependencyCreate):
    caller_ = writer(request)
    services.dependency_add(launch=_launch(caller_, launch_id), before_id=body.before_id)
    return Status(201, _answer(caller_, launch_id))


@router.delete(L + "/dependencies/{dependency_id}", response={204: None, **WRITES}, summary="Remove a dependency")
def dependency_remove(request, ws: str, launch_id: Id, dependency_id: Id):
    caller_ = writer(request)
    services.dependency_remove(launch=_launch(caller_, launch_id), dependency_id=dependency_id)
    return Status(204, None)


@router.post(
    L + "/go",
    response={201: s.GoDecision, **WRITES},
    summary="Record go or no go",
    description="Go is refused (422) while anything stands in its way, with every blocker listed in "
    "`blockers`, each with where on the launch page it is fixed.",
)
def go_record(request, ws: str, launch_id: Id, body: s.GoCreate):
    caller_ = writer(request)
    launch = _launch(caller_, launch_id)
    try:
        with changelog.via(caller_.via):
            go = services.go_record(launch=launch, decision=body.decision, notes=body.notes, actor=caller_.user)
    except services.GoRefused as refused:
        raise GoBlocked(refused, [{"text": b.text, "url": _page(launch, b.anchor)} for b in refused.blockers]) from None
    return Status(
        201,
        {
            "id": go.pk,
            "decision": go.decision,
            "notes": go.notes,
            "decided_by": person_name(caller_.user),
            "decided_at": go.decided_at,
            "via": go.via,
        },
    )


class GoBlocked(Exception):
    """Go refused: the service's message and every blocker with its link (see api.v1)."""

    def __init__(self, refused: services.GoRefused, blockers: list[dict]):
        super().__init__(refused.message)
        self.message, self.blockers = refused.message, blockers


@router.put(
    L + "/readout",
    response={200: s.Launch, **WRITES},
    summary="Record the day-30 readout: launch day, the primary metric, its target and actual, the decision",
    description="A metric with its target marks “Primary metric and target agreed” done. A press on, pivot or "
    "pause decision goes to the decision log of the launch's matrix.",
)
def readout_set(request, ws: str, launch_id: Id, body: s.ReadoutSet):
    caller_ = writer(request)
    services.outcome_record(
        launch=_launch(caller_, launch_id),
        launched_on=body.launched_on,
        metric_name=body.metric_name,
        metric_target=body.metric_target,
        metric_actual=body.metric_actual,
        outcome=body.outcome,
        notes=body.notes,
        actor=caller_.user,
    )
    return _answer(caller_, launch_id)


# --- readiness items -----------------------------------------------------------------------


def _item_of(launch: Launch, item: str) -> ReadinessItem:
    """An item by its id or its key (`support-docs`): a pipeline knows the key."""
    items = selectors.checklist_of(launch=launch)
    found = next((i for i in items if (str(i.pk) == item if item.isdigit() else i.key == item)), None)
    if found is None:
        raise NotFound("No such checklist item.")
    return found


@router.get(L + "/items", response={200: list[s.Item], **READS}, summary="The launch's readiness checklist")
def items_list(request, ws: str, launch_id: Id):
    launch = _launch(caller(request), launch_id)
    owners = selectors.launch_owners_of(launch=launch)
    return [_item(item, owners) for item in selectors.checklist_of(launch=launch)]


@router.get(I, response={200: s.Item, **READS}, summary="One readiness item, by id or key")
def item_read(request, ws: str, launch_id: Id, item: str, response: HttpResponse):
    launch = _launch(caller(request), launch_id)
    found = _item_of(launch, item[:40])
    response["ETag"] = etag(_item_version(found))
    return _item(found, selectors.launch_owners_of(launch=launch))


@router.patch(
    I,
    response={200: s.Item, **WRITES},
    summary="Tick, untick, waive or hand over a readiness item",
    description="Tick: `status` done (with an `evidence_url` if you like); untick: `status` todo. A waiver "
    "needs its `waive_reason`. “Primary metric and target agreed” follows the readout and is not ticked "
    "by hand.",
)
def item_change(request, ws: str, launch_id: Id, item: str, body: s.ItemChange, response: HttpResponse):
    caller_ = writer(request)
    launch = _launch(caller_, launch_id)
    found = _item_of(launch, item[:40])
    check_version(request, body.version, _item_version(found), what="item", state={"status": found.status})
    owner: dict = {}
    if body.owner_cleared:
        owner = {"owner_id": None}
    elif body.owner_id is not None:
        owner = {"owner_id": body.owner_id}
    services.item_update(
        launch=launch,
        item_id=found.pk,
        status=body.status or found.status,
        waive_reason=body.waive_reason if body.waive_reason is not None else found.waive_reason,
        evidence_url=body.evidence_url,
        actor=caller_.user,
        **owner,
    )
    changed = _item_of(launch, str(found.pk))
    response["ETag"] = etag(_item_version(changed))
    return _item(changed, selectors.launch_owners_of(launch=launch))


@router.put(
    I + "/role",
    response={200: s.Item, **WRITES},
    summary="Choose which role owns an item whose activity has several R",
)
def item_role(request, ws: str, launch_id: Id, item: str, body: s.RoleChoose):
    caller_ = writer(request)
    launch = _launch(caller_, launch_id)
    found = _item_of(launch, item[:40])
    services.item_choose_role(launch=launch, item_id=found.pk, role_id=body.role_id, actor=caller_.user)
    launch = _launch(caller_, launch_id)
    return _item(_item_of(launch, str(found.pk)), selectors.launch_owners_of(launch=launch))


# --- the quarter ---------------------------------------------------------------------------


@router.get(
    W + "/quarters/{quarter}",
    response={200: s.Quarter, **READS},
    summary="A quarter's plan warnings (quarter like 2027-q1)",
)
def quarter_read(request, ws: str, quarter: str):
    caller_ = caller(request)
    q = _quarter(quarter)
    workspace = caller_.workspace
    rubric = selectors.rubric_of(workspace_id=workspace.pk)
    plan = selectors.quarter_plan_of(
        workspace=workspace, year=q.year, quarter=q.number, rubric=rubric, today=workspace.today()
    )
    return {
        "name": plan.name,
        "cycle": plan.cycle.slug if plan.cycle else None,
        "start": plan.start,
        "end": plan.end,
        "warnings": [_warning(w) for row in plan.launches for w in row.warnings],
    }


@router.get(
    W + "/quarters/{quarter}/workload",
    response={200: s.Workload, **READS},
    summary="Each person's and each role's workload over a quarter, and who carries far more than the team",
)
def workload_read(request, ws: str, quarter: str):
    caller_ = caller(request)
    work = workloads.workload_of(workspace=caller_.workspace, quarter=_quarter(quarter))
    return {
        "quarter": work.quarter.name,
        "median": work.median,
        "threshold": work.threshold,
        "people": [
            {
                "member": member(p.membership),
                "roles": p.roles,
                "counts": p.work.counts,
                "total": p.total,
                "marked": p.marked,
                "reason": p.reason,
            }
            for p in work.people
        ],
        "roles": [
            {
                "role": {"id": r.role.pk, "code": r.role.code},
                "holders": r.holders,
                "counts": r.work.counts,
                "total": r.total,
            }
            for r in work.roles
        ],
    }
