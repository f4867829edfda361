"""The rubric, the suggestion, re-planning and the readiness verdict: pure Python."""

from datetime import date
from itertools import product

import pytest

from launches import tiering
from launches.tiering import (
    DEFAULT_RUBRIC,
    ExistingItem,
    ItemState,
    Question,
    Rubric,
    RubricError,
    deliverables_for,
    readiness,
    reason_needed,
    replan,
    rubric_check,
    score_total,
    suggest_tier,
    tier_for_total,
)


def scores_summing_to(total: int) -> list[int]:
    """Six scores of 1-3 with the given total (6..18)."""
    scores = [1] * 6
    extra = total - 6
    for i in range(6):
        add = min(2, extra)
        scores[i] += add
        extra -= add
    return scores


def test_default_rubric_has_the_six_questions_of_the_issue_with_weight_one():
    assert len(DEFAULT_RUBRIC.questions) == 6
    assert all(q.weight == 1 for q in DEFAULT_RUBRIC.questions)
    assert DEFAULT_RUBRIC.thresholds == (15, 11)
    assert DEFAULT_RUBRIC.tier_names == ("Tier 1", "Tier 2", "Tier 3")
    assert DEFAULT_RUBRIC.max_total == 18
    rubric_check(DEFAULT_RUBRIC)


@pytest.mark.parametrize("total, tier", [(6, 3), (10, 3), (11, 2), (12, 2), (14, 2), (15, 1), (16, 1), (18, 1)])
def test_default_thresholds_at_the_edges(total, tier):
    assert tier_for_total(DEFAULT_RUBRIC, total) == tier
    assert suggest_tier(DEFAULT_RUBRIC, scores_summing_to(total)) == tier


def test_every_combination_of_scores_maps_to_the_documented_tier():
    for scores in product((1, 2, 3), repeat=6):
        total = sum(scores)
        expected = 1 if total >= 15 else 2 if total >= 11 else 3
        assert suggest_tier(DEFAULT_RUBRIC, list(scores)) == expected


def test_weights_multiply_the_scores():
    rubric = Rubric(
        questions=(Question("a", 3), Question("b", 1), Question("c", 0)),
        thresholds=(10, 6),
        tier_names=("Big", "Medium", "Small"),
    )
    assert score_total(rubric, [3, 1, 3]) == 10
    assert suggest_tier(rubric, [3, 1, 3]) == 1
    assert suggest_tier(rubric, [2, 3, 3]) == 2  # 6 + 3, the weight-0 question adds nothing
    assert suggest_tier(rubric, [1, 3, 1]) == 2  # 3 + 3 = 6
    assert suggest_tier(rubric, [1, 2, 3]) == 3  # 3 + 2 = 5
    assert tier_for_total(rubric, 9) == 2 and tier_for_total(rubric, 6) == 2 and tier_for_total(rubric, 5) == 3


def test_weighted_edge_just_below_and_at_the_threshold():
    rubric = Rubric(
        questions=tuple(Question(str(i), 2 if i == 0 else 1) for i in range(6)),
        thresholds=(15, 11),
        tier_names=DEFAULT_RUBRIC.tier_names,
    )
    assert score_total(rubric, [1, 1, 1, 1, 1, 1]) == 7
    assert suggest_tier(rubric, [2, 2, 2, 1, 1, 1]) == 2  # 4 + 2 + 2 + 3 = 11
    assert suggest_tier(rubric, [1, 2, 2, 2, 1, 1]) == 3  # 2 + 6 + 2 = 10
    assert suggest_tier(rubric, [3, 3, 3, 1, 1, 1]) == 1  # 6 + 9 = 15
    assert suggest_tier(rubric, [2, 3, 3, 2, 1, 1]) == 2  # 4 + 10 = 14


@pytest.mark.parametrize("scores", [[1] * 5, [1] * 7, [0, 1, 1, 1, 1, 1], [4, 1, 1, 1, 1, 1], ["3", 1, 1, 1, 1, 1]])
def test_scores_must_be_one_to_three_for_each_question(scores):
    with pytest.raises(RubricError):
        score_total(DEFAULT_RUBRIC, scores)


def test_unscored_or_stale_scores_suggest_nothing():
    assert suggest_tier(DEFAULT_RUBRIC, []) is None
    assert suggest_tier(DEFAULT_RUBRIC, None) is None
    assert suggest_tier(DEFAULT_RUBRIC, [3, 3, 3]) is None  # scored under a rubric with other questions


def test_a_reason_is_needed_when_the_tier_is_not_the_suggestion():
    assert not reason_needed(suggested=2, chosen=2)
    assert reason_needed(suggested=2, chosen=1)
    assert reason_needed(suggested=None, chosen=3)
    assert not reason_needed(suggested=1, chosen=None)


def test_only_tier_one_and_two_need_the_leads():
    assert tiering.needs_confirmation(1) and tiering.needs_confirmation(2)
    assert not tiering.needs_confirmation(3) and not tiering.needs_confirmation(None)


@pytest.mark.parametrize(
    "rubric, field",
    [
        (Rubric((), (15, 11), ("1", "2", "3")), "questions"),
        (Rubric((Question(" "),), (15, 11), ("1", "2", "3")), "questions"),
        (Rubric((Question("a", 11),), (15, 11), ("1", "2", "3")), "questions"),
        (Rubric((Question("a", 0),), (15, 11), ("1", "2", "3")), "questions"),
        (Rubric((Question("a"),), (15,), ("1", "2", "3")), "thresholds"),
        (Rubric((Question("a"),), (11, 15), ("1", "2", "3")), "thresholds"),
        (Rubric((Question("a"),), (11, 11), ("1", "2", "3")), "thresholds"),
        (Rubric((Question("a"),), (15, 11), ("1", "1", "3")), "tier_names"),
        (Rubric((Question("a"),), (), ("1",)), "tier_count"),
    ],
)
def test_a_broken_rubric_is_refused_naming_the_field(rubric, field):
    with pytest.raises(RubricError) as error:
        rubric_check(rubric)
    assert error.value.field == field


def test_every_tier_requires_support_docs_pricing_and_sales_training_and_one_and_two_the_metric():
    for tier in (1, 2, 3):
        required = {d.key for d in deliverables_for(tier) if d.required}
        confirmed = tiering.CONFIRMED_REQUIRED_KEYS if tiering.needs_confirmation(tier) else frozenset()
        assert required == tiering.REQUIRED_KEYS | confirmed
        keys = [d.key for d in deliverables_for(tier)]
        assert len(keys) == len(set(keys))
    assert deliverables_for(None) == ()
    assert deliverables_for(4) == deliverables_for(3)


def test_tier_one_has_the_issues_deliverables_and_tier_three_is_light():
    titles = " ".join(d.title.lower() for d in deliverables_for(1))
    for word in ("analyst", "blog", "webinar", "deck", "training", "pricing", "docs", "macros", "in-app"):
        assert word in titles
    assert {d.key for d in deliverables_for(3)} == {"release-note", "support-docs", "pricing", "sales-training"}
    assert tiering.lead_days(1) == 56 and tiering.lead_days(2) == 28 and tiering.lead_days(3) == 7


def test_due_date_is_the_launch_date_minus_the_offset():
    d = deliverables_for(1)[0]
    assert tiering.due_date(date(2027, 3, 31), d) == date(2027, 3, 17)
    assert tiering.due_date(None, d) is None


def test_replan_keeps_started_work_and_drops_untouched_items():
    existing = [
        ExistingItem("analyst-briefing", "done"),
        ExistingItem("webinar", "todo"),
        ExistingItem("blog", "in_progress"),
        ExistingItem("support-docs", "done"),
        ExistingItem("in-app", "waived"),
        ExistingItem("sales-deck", "todo"),
    ]
    plan = replan(new=deliverables_for(3), existing=existing)
    assert set(plan.delete) == {"webinar", "sales-deck"}
    assert {d.key for d in plan.update} == {"support-docs"}
    assert {d.key for d in plan.create} == {"release-note", "pricing", "sales-training"}


def test_replan_to_untiered_deletes_only_untouched_items():
    plan = replan(new=(), existing=[ExistingItem("pricing", "todo"), ExistingItem("blog", "done")])
    assert plan.delete == ("pricing",) and plan.create == () and plan.update == ()


def test_ready_when_every_required_item_is_done_or_waived():
    today = date(2027, 2, 1)
    items = [
        ItemState(True, "done", None, "Ann"),
        ItemState(True, "waived", None, "Bo"),
        ItemState(False, "todo", date(2027, 1, 1), "Cy"),
    ]
    verdict = readiness(items, today=today)
    assert verdict.ready and verdict.line == "Ready"


def test_not_ready_line_counts_open_overdue_and_owners():
    today = date(2027, 2, 1)
    items = [
        ItemState(True, "todo", date(2027, 1, 31), "Ann"),
        ItemState(True, "in_progress", date(2027, 2, 1), "Bo"),
        ItemState(True, "todo", None, ""),
        ItemState(True, "done", date(2027, 1, 1), "Cy"),
    ]
    verdict = readiness(items, today=today)
    assert not verdict.ready
    assert verdict.line == "Not ready: 3 open required items (1 overdue), waiting on Ann, Bo, no owner"


def test_one_open_item_is_singular_and_untiered_is_never_ready():
    verdict = readiness([ItemState(True, "todo", None, "Ann")], today=date(2027, 1, 1))
    assert verdict.line == "Not ready: 1 open required item (0 overdue), waiting on Ann"
    assert not readiness([], today=date(2027, 1, 1), tiered=False).ready


def test_the_readiness_line_names_the_leads_who_have_not_confirmed_and_a_missing_metric():
    done = [ItemState(True, "done", None, "Ann")]
    both = readiness(done, today=date(2027, 1, 1), awaiting=("PM", "PMM"))
    assert not both.ready and both.line == "Not ready: the PM and PMM leads have not confirmed the tier"
    one = readiness(done, today=date(2027, 1, 1), awaiting=("PMM",), metric_missing=True)
    assert one.line == "Not ready: the PMM lead has not confirmed the tier; no day-30 metric and target agreed"
    every = readiness([ItemState(True, "todo", None, "Ann")], today=date(2027, 1, 1), awaiting=("PM",))
    assert every.line == (
        "Not ready: 1 open required item (0 overdue), waiting on Ann; the PM lead has not confirmed the tier"
    )


def test_go_blockers_lists_every_blocker_at_once_each_with_where_it_is_fixed():
    items = [
        ItemState(True, "todo", date(2027, 1, 31), "SUP · Priya", "Support docs", "#item-1"),
        ItemState(True, "in_progress", None, "PMM · nobody holds this role", "Pricing", "#item-2"),
        ItemState(False, "todo", None, "PMM · Sam", "Blog", "#item-3"),
        ItemState(True, "done", None, "PM · Ann", "Sales training", "#item-4"),
    ]
    verdict = readiness(items, today=date(2027, 2, 1), awaiting=("PM", "PMM"), metric_missing=True)
    assert [(b.text, b.anchor) for b in verdict.each] == [
        ("The PM and PMM leads have not confirmed the tier", "#tier"),
        ("Support docs is open (overdue): SUP · Priya", "#item-1"),
        ("Pricing is open: PMM · nobody holds this role", "#item-2"),
        ("No day-30 metric and target agreed", "#after-launch"),
    ]
    assert [b.anchor for b in readiness([], today=date(2027, 2, 1), tiered=False).each] == ["#tier"]
    assert readiness(items[3:], today=date(2027, 2, 1)).each == ()


def test_a_role_and_its_person_are_named_one_way():
    assert tiering.owner_label("PMM", "Sam Lee") == "PMM · Sam Lee"
    assert tiering.owner_label("PMM", "") == "PMM · nobody holds this role"
    assert tiering.owner_label("", "Sam Lee") == "Sam Lee"
    assert tiering.owner_label("", "") == "no owner"


def test_the_launch_owner_does_the_pm_and_pmm_work_else_the_first_holder():
    person = tiering.person_for_role
    assert person(code="PMM", holder_ids=[], pm_owner_id=1, pmm_owner_id=2) == 2
    assert person(code="pm", holder_ids=[7], pm_owner_id=1, pmm_owner_id=None) == 1
    assert person(code="PMM", holder_ids=[9, 4], pm_owner_id=1, pmm_owner_id=None) == 4
    assert person(code="SUP", holder_ids=[], pm_owner_id=1, pmm_owner_id=2) is None


def test_only_tier_1_and_2_wait_for_the_leads_and_the_metric():
    assert tiering.awaiting_leads(2, pm_confirmed=True, pmm_confirmed=False) == ("PMM",)
    assert tiering.awaiting_leads(1, pm_confirmed=False, pmm_confirmed=False) == ("PM", "PMM")
    assert tiering.awaiting_leads(3, pm_confirmed=False, pmm_confirmed=False) == ()
    assert tiering.metric_missing(1, has_metric=False) and not tiering.metric_missing(1, has_metric=True)
    assert not tiering.metric_missing(3, has_metric=False) and not tiering.metric_missing(None, has_metric=False)


# --- owners through the matrix ---------------------------------------------------------


def test_the_owner_is_the_a_r_then_the_single_r_then_the_a():
    assert tiering.owner_roles([(1, "C"), (2, "AR"), (3, "R")]) == (2,)
    assert tiering.owner_roles([(1, "A"), (2, "R"), (3, "C")]) == (2,)
    assert tiering.owner_roles([(1, "A"), (2, "C"), (3, "I")]) == (1,)
    assert tiering.owner_roles([(1, "C"), (2, "I"), (3, "")]) == ()


def test_several_r_are_each_a_candidate_until_one_is_chosen():
    candidates = tiering.owner_roles([(1, "A"), (2, "R"), (3, "R")])
    assert candidates == (2, 3)
    assert tiering.owner_role(candidates, None) is None
    assert tiering.owner_role(candidates, 3) == 3
    # A choice that is no longer R is asked again.
    assert tiering.owner_role(candidates, 1) is None
    assert tiering.owner_role((2,), 3) == 2


def test_every_deliverable_names_a_template_activity_of_the_built_in_templates():
    from raci.builtin_templates import BUILTIN_TEMPLATES, DEFAULT_TEMPLATE_SLUG

    default = next(t for t in BUILTIN_TEMPLATES if t.slug == DEFAULT_TEMPLATE_SLUG)
    for spec in BUILTIN_TEMPLATES:
        keys = {a.key for a in spec.activities}
        # The startup template has no launch content row: the checklist offers the default template's.
        assert set(tiering.ACTIVITY_OF.values()) - keys <= (
            {"launch-content"} if spec.slug == "pm-pmm-startup" else set()
        ), spec.slug
    rows = {a.key: a for a in default.activities}
    assert tiering.ACTIVITY_OF["support-docs"] == "launch-readiness"
    assert tiering.ACTIVITY_OF["sales-training"] == "sales-cs-enablement"
    assert tiering.ACTIVITY_OF["pricing"] == "pricing-packaging"
    # Sales training is PMM's in every template (Sales/CS Enablement is PMM A/R).
    for spec in BUILTIN_TEMPLATES:
        enablement = next(a for a in spec.activities if a.key == "sales-cs-enablement")
        assert enablement.letters["PMM"] == "AR"
    # In the default template every deliverable has exactly one owner role, and it is a role of the template.
    codes = [r.code for r in default.roles]
    for key in set(tiering.ACTIVITY_OF.values()):
        letters = [(code, rows[key].letters.get(code, "")) for code in codes]
        assert len(tiering.owner_roles(letters)) == 1, key


def test_the_metric_is_agreed_when_it_has_a_name_and_a_target():
    assert tiering.metric_agreed(metric_name="Activated", metric_target=0)
    assert not tiering.metric_agreed(metric_name="", metric_target=10)
    assert not tiering.metric_agreed(metric_name="Activated", metric_target=None)
