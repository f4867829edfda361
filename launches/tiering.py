"""The tiering rubric, the tiers' default deliverables, checklist re-planning and the
readiness verdict: plain Python over plain data, no ORM, so services, views and tests
share one source of truth.

The GTM Framework (docs/sources.md): tiering is quarterly, a rubric suggests the tier and a human may override it
with a reason. "Launch ready = support docs + pricing + sales training" holds for every
tier, so those three items are required whatever the tier; Key Differences' primary day-30
metric and its target, agreed before launch, are a required item of Tier 1 and 2.
Each deliverable belongs to a template activity, whose owner in the launch's matrix owns it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core import bounds

SCORE_MIN, SCORE_MAX = 1, 3
SCORE_LABELS = {1: "No", 2: "Somewhat", 3: "Yes"}

DEFAULT_QUESTIONS = (
    "Does it bring new revenue?",
    "Does it bring expansion revenue?",
    "Does it reduce churn?",
    "Does it drive adoption of a core workflow?",
    "Does it differentiate us from competitors?",
    "Does it affect a large share of customers?",
)
DEFAULT_THRESHOLDS = (15, 11)  # Tier 1 from 15, Tier 2 from 11, otherwise Tier 3
DEFAULT_TIER_NAMES = ("Tier 1", "Tier 2", "Tier 3")
DEFAULT_LEAD_WEEKS = (8, 4, 1)  # weeks between tiering and launch date each tier needs (issue 4)
MIN_TIERS, MAX_TIERS = 2, 5
MAX_LEAD_WEEKS = 52
# Tiers that a PM lead and a PMM lead both confirm.
CONFIRMED_TIERS = (1, 2)


class RubricError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    weight: int = 1


@dataclass(frozen=True, slots=True)
class Rubric:
    questions: tuple[Question, ...]
    # The lowest total of each tier but the last, best tier first: (15, 11).
    thresholds: tuple[int, ...]
    tier_names: tuple[str, ...]
    # Weeks of lead time per tier, best tier first; empty: the defaults (8, 4, 1, then 1).
    lead_weeks: tuple[int, ...] = ()

    @property
    def tiers(self) -> tuple[int, ...]:
        return tuple(range(1, len(self.tier_names) + 1))

    @property
    def max_total(self) -> int:
        return sum(q.weight for q in self.questions) * SCORE_MAX

    def tier_name(self, tier: int | None) -> str:
        if tier is None:
            return "Untiered"
        if 1 <= tier <= len(self.tier_names):
            return self.tier_names[tier - 1]
        return f"Tier {tier}"

    @property
    def lead_times(self) -> tuple[tuple[str, int], ...]:
        """(tier name, lead weeks) for every tier, best first."""
        return tuple((self.tier_name(t), self.weeks_of(t)) for t in self.tiers)

    def weeks_of(self, tier: int) -> int:
        """A tier's lead time in weeks: the rubric's, else the default (tiers past the third: the third's)."""
        if 1 <= tier <= len(self.lead_weeks):
            return self.lead_weeks[tier - 1]
        return DEFAULT_LEAD_WEEKS[min(max(tier, 1), len(DEFAULT_LEAD_WEEKS)) - 1]


DEFAULT_RUBRIC = Rubric(
    questions=tuple(Question(text) for text in DEFAULT_QUESTIONS),
    thresholds=DEFAULT_THRESHOLDS,
    tier_names=DEFAULT_TIER_NAMES,
)


def rubric_check(rubric: Rubric) -> Rubric:
    """The rubric if it is usable, else RubricError naming what to fix."""
    if not rubric.questions:
        raise RubricError("The rubric needs at least one question.", "questions")
    for question in rubric.questions:
        if not question.text.strip():
            raise RubricError("Every question needs its text.", "questions")
        if not 0 <= question.weight <= 10:
            raise RubricError(
                f"“{question.text}” has weight {question.weight}; use a whole number from 0 to 10.", "questions"
            )
    if sum(q.weight for q in rubric.questions) == 0:
        raise RubricError("At least one question needs a weight above 0.", "questions")
    if not MIN_TIERS <= len(rubric.tier_names) <= MAX_TIERS:
        raise RubricError(f"Choose from {MIN_TIERS} to {MAX_TIERS} tiers.", "tier_count")
    if any(not name.strip() for name in rubric.tier_names) or len(set(rubric.tier_names)) != len(rubric.tier_names):
        raise RubricError("Every tier needs a name of its own.", "tier_names")
    if len(rubric.thresholds) != len(rubric.tier_names) - 1:
        raise RubricError(f"{len(rubric.tier_names)} tiers need {len(rubric.tier_names) - 1} thresholds.", "thresholds")
    if any(a <= b for a, b in zip(rubric.thresholds, rubric.thresholds[1:])):
        raise RubricError("Each tier's threshold must be higher than the next tier's.", "thresholds")
    if rubric.lead_weeks:
        if len(rubric.lead_weeks) != len(rubric.tier_names):
            raise RubricError(f"{len(rubric.tier_names)} tiers need {len(rubric.tier_names)} lead times.", "lead_weeks")
        if any(not (isinstance(w, int) and 0 <= w <= MAX_LEAD_WEEKS) for w in rubric.lead_weeks):
            raise RubricError(f"A lead time is a whole number of weeks from 0 to {MAX_LEAD_WEEKS}.", "lead_weeks")
    return rubric


def dropped_tier_blockers(*, tier_count: int, launches: list[tuple[str, int | None]]) -> list[str]:
    """The names of the launches (name, tier) that sit in a tier past `tier_count`: the
    tiers that fewer tiers would remove. Reducing the tiers waits until they are moved."""
    return sorted(name for name, tier in launches if tier is not None and tier > tier_count)


def score_total(rubric: Rubric, scores: list[int] | tuple[int, ...]) -> int:
    """The weighted total of one score per question, each 1 (no), 2 (somewhat) or 3 (yes)."""
    if len(scores) != len(rubric.questions):
        raise RubricError(f"Score each of the {len(rubric.questions)} questions.", "scores")
    for score in scores:
        if not (isinstance(score, int) and SCORE_MIN <= score <= SCORE_MAX):
            raise RubricError(f"A score is 1 (no), 2 (somewhat) or 3 (yes), not {score!r}.", "scores")
    return sum(q.weight * s for q, s in zip(rubric.questions, scores))


def tier_for_total(rubric: Rubric, total: int) -> int:
    for tier, threshold in enumerate(rubric.thresholds, start=1):
        if total >= threshold:
            return tier
    return len(rubric.thresholds) + 1


def suggest_tier(rubric: Rubric, scores) -> int | None:
    """The suggested tier for a launch's scores; None while it is not scored (or the
    rubric's questions changed since)."""
    if not scores or len(scores) != len(rubric.questions):
        return None
    return tier_for_total(rubric, score_total(rubric, scores))


def reason_needed(*, suggested: int | None, chosen: int | None) -> bool:
    """A tier other than the rubric's suggestion, or with no suggestion yet, needs a written reason."""
    return chosen is not None and chosen != suggested


def needs_confirmation(tier: int | None) -> bool:
    return tier in CONFIRMED_TIERS


LEADS = ("PM", "PMM")


def may_confirm(
    *, as_code: str, member_id: int, is_admin: bool, pm_owner_id: int | None, pmm_owner_id: int | None
) -> bool:
    """Who confirms a tier (DESIGN, Launches): the launch's PM owner, or a workspace admin,
    as the PM lead; its PMM owner, or an admin, as the PMM lead. Holding the PM or PMM
    role grants nothing here: an editor could give themselves a role, not a launch."""
    owner = {"PM": pm_owner_id, "PMM": pmm_owner_id}.get(as_code, ...)
    if owner is ...:
        return False
    return is_admin or (owner is not None and owner == member_id)


def confirmable_as(
    *, member_id: int, is_admin: bool, pm_owner_id: int | None, pmm_owner_id: int | None
) -> tuple[str, ...]:
    """The leads (PM, PMM) as which the member may confirm the launch's tier, in that order."""
    return tuple(
        code
        for code in LEADS
        if may_confirm(
            as_code=code, member_id=member_id, is_admin=is_admin, pm_owner_id=pm_owner_id, pmm_owner_id=pmm_owner_id
        )
    )


OWNER, ADMIN = "owner", "admin"


def confirmed_as(*, as_code: str, member_id: int, pm_owner_id: int | None, pmm_owner_id: int | None) -> str:
    """As what a member who may confirm (see `may_confirm`) confirms: the launch's owner for
    that lead, or an admin standing in for them."""
    owner = {"PM": pm_owner_id, "PMM": pmm_owner_id}[as_code]
    return OWNER if owner is not None and owner == member_id else ADMIN


def confirmations_withdrawn(
    *, old_tier: int | None, new_tier: int | None, old_owners: dict[str, int | None], new_owners: dict[str, int | None]
) -> tuple[str, ...]:
    """The leads whose confirmation no longer holds after a change: a confirmation is given
    for one tier by whoever had to give it then, so a new tier withdraws both, and a new PM
    (or PMM) owner withdraws that lead's (someone else must confirm now)."""
    if old_tier != new_tier:
        return LEADS
    return tuple(code for code in LEADS if old_owners.get(code) != new_owners.get(code))


# --- deliverables and the readiness checklist ----------------------------------------

# The template activities that deliverables belong to (the keys of raci.builtin_templates:
# TemplateActivity.key, copied to Activity.template_key). Written out here so that this
# module stays plain Python.
LAUNCH_READINESS = "launch-readiness"
ENABLEMENT = "sales-cs-enablement"
PRICING = "pricing-packaging"
LAUNCH_CONTENT = "launch-content"
ANALYTICS = "analytics-experiments"
READOUT = "day-30-readout"


@dataclass(frozen=True, slots=True)
class Deliverable:
    key: str
    title: str
    # The template activity it belongs to: its owner role is that activity's owner in the
    # launch's matrix (see `owner_roles`).
    activity_key: str
    days_before: int
    required: bool = False


ROLE_NAMES = {"PM": "Product Manager", "PMM": "Product Marketing Manager", "SUP": "Support", "SALES": "Sales"}
# Weeks between tiering and launch date each tier needs (issue 4).
LEAD_DAYS = {1: 56, 2: 28, 3: 7}

# The day-30 loop ("Key Differences"): the primary metric and its target are agreed before "go" on
# Tier 1 and 2. The item is done while the launch has both, and open otherwise.
METRIC_KEY = "metric"

_SUPPORT_DOCS = Deliverable("support-docs", "Support docs (help center)", LAUNCH_READINESS, 7, True)
_PRICING = Deliverable("pricing", "Pricing and packaging update", PRICING, 14, True)
_SALES_TRAINING = Deliverable("sales-training", "Sales training", ENABLEMENT, 7, True)

TIER_DELIVERABLES: dict[int, tuple[Deliverable, ...]] = {
    1: (
        Deliverable("analyst-briefing", "Press and analyst briefing", LAUNCH_CONTENT, 14),
        Deliverable("blog", "Launch blog post", LAUNCH_CONTENT, 3),
        Deliverable("webinar", "Launch webinar", LAUNCH_CONTENT, 0),
        Deliverable("sales-deck", "Sales enablement deck", ENABLEMENT, 21),
        _SALES_TRAINING,
        Deliverable("pricing", "Pricing and packaging update", PRICING, 28, True),
        Deliverable("support-docs", "Support docs (help center)", LAUNCH_READINESS, 14, True),
        Deliverable("support-macros", "Support macros", LAUNCH_READINESS, 7),
        Deliverable("analytics", "Product analytics in place", ANALYTICS, 7),
        Deliverable("in-app", "In-app announcement", LAUNCH_CONTENT, 0),
        Deliverable(METRIC_KEY, "Primary metric and target agreed", READOUT, 14, True),
    ),
    2: (
        Deliverable("blog", "Launch blog post", LAUNCH_CONTENT, 3),
        Deliverable("sales-deck", "Sales enablement deck", ENABLEMENT, 14),
        _SALES_TRAINING,
        _PRICING,
        _SUPPORT_DOCS,
        Deliverable("support-macros", "Support macros", LAUNCH_READINESS, 3),
        Deliverable("in-app", "In-app announcement", LAUNCH_CONTENT, 0),
        Deliverable(METRIC_KEY, "Primary metric and target agreed", READOUT, 7, True),
    ),
    3: (
        Deliverable("release-note", "Release note", LAUNCH_CONTENT, 1),
        Deliverable("support-docs", "Help doc update", LAUNCH_READINESS, 3, True),
        Deliverable("pricing", "Pricing checked (no change or updated)", PRICING, 3, True),
        Deliverable("sales-training", "Sales briefed", ENABLEMENT, 1, True),
    ),
}
# Required whatever the tier ("The GTM Framework": launch ready = support docs + pricing + sales training).
REQUIRED_KEYS = frozenset({"support-docs", "pricing", "sales-training"})
# Required on the tiers the leads confirm ("Key Differences": the day-30 metric is agreed before launch).
CONFIRMED_REQUIRED_KEYS = frozenset({METRIC_KEY})
# Item key -> the template activity it belongs to, whatever the tier.
ACTIVITY_OF = {d.key: d.activity_key for tier in TIER_DELIVERABLES.values() for d in tier}


def metric_agreed(*, metric_name: str, metric_target) -> bool:
    """The launch's primary day-30 metric and its target are both set."""
    return bool(metric_name) and metric_target is not None


def owner_roles(letters: list[tuple[int, str]]) -> tuple[int, ...]:
    """The roles that own an activity's readiness items, from its letters as (role, letter)
    in column order: the role that is A/R; else the R (several R: each of them, and the
    checklist asks which); else the A. None of them: nobody owns it."""
    for wanted in ("AR", "R", "A"):
        found = tuple(role for role, letter in letters if letter == wanted)
        if found:
            return found
    return ()


def owner_role(candidates: tuple[int, ...], chosen: int | None) -> int | None:
    """The owner role among the candidates: the only one, or the one chosen while it is
    still a candidate; None while the checklist still asks which."""
    if len(candidates) == 1:
        return candidates[0]
    return chosen if chosen in candidates else None


def deliverables_for(tier: int | None) -> tuple[Deliverable, ...]:
    """A tier's default checklist; tiers past the third use the third's. Untiered: none.

    A workspace may have up to five tiers but the deliverable templates stop at three:
    a fourth or fifth tier is a smaller launch than the third, so it falls back to the
    last (lightest) set, which still holds the required minimum of "The GTM Framework", rather than
    going without a checklist."""
    if tier is None:
        return ()
    return TIER_DELIVERABLES[min(max(tier, 1), 3)]


def lead_days(tier: int | None, rubric: Rubric | None = None) -> int | None:
    """Days of lead time a tier needs: the rubric's weeks, else the defaults."""
    if tier is None:
        return None
    if rubric is not None:
        return rubric.weeks_of(tier) * 7
    return LEAD_DAYS[min(max(tier, 1), 3)]


def due_date(launch_date: date | None, deliverable: Deliverable) -> date | None:
    return bounds.shift_days(launch_date, -deliverable.days_before) if launch_date else None


OPEN, DONE_STATUSES = ("todo", "in_progress"), ("done", "waived")


@dataclass(frozen=True, slots=True)
class ExistingItem:
    key: str
    status: str


@dataclass(frozen=True, slots=True)
class Replan:
    create: tuple[Deliverable, ...]
    update: tuple[Deliverable, ...]  # kept items that the new tier also has: new title, due date, required
    delete: tuple[str, ...]  # keys of untouched items that the new tier does not have


def replan(*, new: tuple[Deliverable, ...], existing: list[ExistingItem]) -> Replan:
    """How a checklist changes when its launch's tier changes. Items the new tier also has
    keep their status and owner; items it does not have go only while nobody has started
    them (done, waived and in-progress work is never lost)."""
    have = {item.key: item for item in existing}
    wanted = {d.key for d in new}
    return Replan(
        create=tuple(d for d in new if d.key not in have),
        update=tuple(d for d in new if d.key in have),
        delete=tuple(item.key for item in existing if item.key not in wanted and item.status == "todo"),
    )


# --- the readiness verdict ------------------------------------------------------------


NOBODY_HOLDS = "nobody holds this role"


def owner_label(code: str, person: str) -> str:
    """How every page names who does a piece of work, one way: "PMM · Sam Lee" (the role
    and its person), "PMM · nobody holds this role", "Sam Lee" (a person without a role),
    or "no owner"."""
    if code:
        return f"{code} · {person or NOBODY_HOLDS}"
    return person or "no owner"


def person_for_role(*, code: str, holder_ids, pm_owner_id: int | None, pmm_owner_id: int | None) -> int | None:
    """Who does a role's work on a launch: the launch's own PM and PMM owners for the PM and
    PMM roles, else the role's first holder (the longest-standing membership), else nobody."""
    lead = {"PM": pm_owner_id, "PMM": pmm_owner_id}.get(code.upper())
    if lead:
        return lead
    return min(holder_ids) if holder_ids else None


@dataclass(frozen=True, slots=True)
class ItemState:
    required: bool
    status: str
    due: date | None
    owner: str  # `owner_label` of its role and person
    title: str = ""
    anchor: str = ""  # where on the launch page the item is


@dataclass(frozen=True, slots=True)
class Blocker:
    """One thing that stands in the way of "go", and where on the launch page it is fixed."""

    text: str
    anchor: str


@dataclass(frozen=True, slots=True)
class Readiness:
    """Whether "go" would be accepted, and everything that stands in its way."""

    ready: bool
    open_required: int
    overdue: int
    owners: tuple[str, ...]
    tiered: bool = True
    awaiting: tuple[str, ...] = ()  # the leads (PM, PMM) who have not confirmed the tier
    metric_missing: bool = False  # no day-30 metric and target agreed (Tier 1 and 2)

    # Every blocker, one by one, each with where it is fixed (see `go_blockers`).
    each: tuple[Blocker, ...] = ()

    @property
    def line(self) -> str:
        if not self.tiered:
            return "Not ready: not tiered yet, so there is no checklist"
        if self.ready:
            return "Ready"
        return "Not ready: " + "; ".join(self.blockers)

    @property
    def blockers(self) -> list[str]:
        found = []
        if self.open_required:
            text = f"{self.open_required} open required item{'s' if self.open_required != 1 else ''}"
            text += f" ({self.overdue} overdue)"
            if self.owners:
                text += ", waiting on " + ", ".join(self.owners)
            found.append(text)
        if self.awaiting:
            found.append(
                f"the {' and '.join(self.awaiting)} lead{'s have' if len(self.awaiting) > 1 else ' has'} "
                "not confirmed the tier"
            )
        if self.metric_missing:
            found.append("no day-30 metric and target agreed")
        return found


def awaiting_leads(tier: int | None, *, pm_confirmed: bool, pmm_confirmed: bool) -> tuple[str, ...]:
    """The leads whose confirmation "go" still waits for (Tier 1 and 2 only)."""
    if not needs_confirmation(tier):
        return ()
    return tuple(code for code, done in zip(LEADS, (pm_confirmed, pmm_confirmed), strict=True) if not done)


def metric_missing(tier: int | None, *, has_metric: bool) -> bool:
    """Key Differences: a Tier 1 or 2 launch agrees its day-30 metric and target before go."""
    return needs_confirmation(tier) and not has_metric


def go_blockers(
    items: list[ItemState],
    *,
    today: date,
    tiered: bool = True,
    awaiting: tuple[str, ...] = (),
    metric_missing: bool = False,
) -> tuple[Blocker, ...]:
    """Everything that stands in the way of "go", all at once, in the order a team fixes
    them: the tier, the leads' confirmation, each open required item, the day-30 metric.
    Anchors: `#tier` (the tier and its confirmation), an item's own, `#after-launch`."""
    if not tiered:
        return (Blocker("Not tiered yet: tier the launch, its checklist comes from its tier", "#tier"),)
    found = []
    if awaiting:
        found.append(
            Blocker(
                f"The {' and '.join(awaiting)} lead{'s have' if len(awaiting) > 1 else ' has'} not confirmed the tier",
                "#tier",
            )
        )
    for item in items:
        if item.required and item.status in OPEN:
            late = " (overdue)" if item.due and item.due < today else ""
            found.append(Blocker(f"{item.title or 'A required item'} is open{late}: {item.owner}", item.anchor))
    if metric_missing:
        found.append(Blocker("No day-30 metric and target agreed", "#after-launch"))
    return tuple(found)


def readiness(
    items: list[ItemState],
    *,
    today: date,
    tiered: bool = True,
    awaiting: tuple[str, ...] = (),
    metric_missing: bool = False,
) -> Readiness:
    """Ready when every required item is done or waived, the leads have confirmed the tier
    and the day-30 metric is agreed where the tier asks for them: exactly when "go" is
    accepted (`launches.services.go_record`, which refuses with the same `go_blockers`)."""
    open_items = [i for i in items if i.required and i.status in OPEN]
    overdue = sum(1 for i in open_items if i.due and i.due < today)
    owners = tuple(sorted({i.owner or "no owner" for i in open_items}))
    return Readiness(
        ready=tiered and not open_items and not awaiting and not metric_missing,
        open_required=len(open_items),
        overdue=overdue,
        owners=owners,
        tiered=tiered,
        awaiting=awaiting,
        metric_missing=metric_missing,
        each=go_blockers(items, today=today, tiered=tiered, awaiting=awaiting, metric_missing=metric_missing),
    )
