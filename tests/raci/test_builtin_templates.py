"""The built-in templates are pure data: checked here without a database."""

import ast
import re
from pathlib import Path

import pytest

from raci import builtin_templates
from raci.builtin_templates import (
    ARTICLES,
    BUILTIN_TEMPLATES,
    CREATOR,
    DEFAULT_TEMPLATE_SLUG,
    OURS,
    ActivitySpec,
    RoleSpec,
    TemplateSpec,
    to_matrix_data,
)
from raci.phases import PHASE_ORDER, PHASES
from raci.rules import ERROR, INFO, VALUES, WARNING, check

BY_SLUG = {t.slug: t for t in BUILTIN_TEMPLATES}
TEMPLATES = pytest.mark.parametrize("spec", BUILTIN_TEMPLATES, ids=lambda t: t.slug)
PHASE_KEYS = {key for key, _ in PHASES}
CODE = re.compile(r"^[A-Z][A-Z0-9]{0,11}$")

# The cheat sheet of "Key Differences" and the table of "The GTM Framework" (docs/sources.md),
# as the default template must have them.
CHEAT_SHEET = {
    "ICPs & Personas": {"PMM": "AR", "PM": "C"},
    "Problem Framing & Success Metrics": {"PM": "AR", "PMM": "C"},
    "Roadmap & Prioritization": {"PM": "AR", "PMM": "C"},
    "Positioning & Messaging": {"PMM": "AR", "PM": "C"},
    "Pricing & Packaging": {"PMM": "AR", "PM": "C"},
    "Product Analytics & Experiments": {"PM": "AR", "PMM": "C"},
    "Naming": {"PMM": "AR", "PM": "C"},
    "Launch Tiering & Go-to-Market Plan": {"PMM": "AR", "PM": "C"},
    "Sales/CS Enablement": {"PMM": "AR", "PM": "C"},
    "Win/Loss Synthesis": {"PMM": "AR", "PM": "C"},
}
# Roles the seeds name only as collaborators (input, never ownership): they may be idle.
COLLABORATORS_ONLY = {"SALES", "CS"}
SEED_FILES = {"000", "001", "002", "003", "004"}


def accountable(activity: ActivitySpec) -> list[str]:
    return [code for code, value in activity.letters.items() if value in ("A", "AR")]


def responsible(activity: ActivitySpec) -> list[str]:
    return [code for code, value in activity.letters.items() if value in ("R", "AR")]


def consulted(activity: ActivitySpec) -> list[str]:
    return [code for code, value in activity.letters.items() if value == "C"]


# --- the collection -------------------------------------------------------------------


def test_three_templates_one_per_stage_with_unique_slugs():
    assert len(BUILTIN_TEMPLATES) == 3
    assert len(BY_SLUG) == 3
    assert set(BY_SLUG) == {"pm-pmm-scaleup", "pm-pmm-startup", "pm-pmm-enterprise"}
    assert {t.stage for t in BUILTIN_TEMPLATES} == {"startup", "scaleup", "enterprise"}
    assert BY_SLUG["pm-pmm-scaleup"].stage == "scaleup"
    assert BY_SLUG["pm-pmm-startup"].stage == "startup"
    assert BY_SLUG["pm-pmm-enterprise"].stage == "enterprise"
    assert DEFAULT_TEMPLATE_SLUG == "pm-pmm-scaleup"


def test_template_names_are_unique():
    names = [t.name.lower() for t in BUILTIN_TEMPLATES]
    assert len(set(names)) == len(names)


def test_specs_are_frozen_dataclasses():
    spec = BUILTIN_TEMPLATES[0]
    assert isinstance(spec, TemplateSpec)
    assert isinstance(spec.roles, tuple) and all(isinstance(r, RoleSpec) for r in spec.roles)
    assert isinstance(spec.activities, tuple) and all(isinstance(a, ActivitySpec) for a in spec.activities)
    for obj, field in ((spec, "slug"), (spec.roles[0], "code"), (spec.activities[0], "name")):
        with pytest.raises(AttributeError):
            setattr(obj, field, "changed")
    assert RoleSpec("X", "X", "x").held_by_creator is False


def test_module_is_pure_data_without_django():
    tree = ast.parse(Path(builtin_templates.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not any(name == "django" or name.startswith("django.") for name in imported)


# --- per template: shape --------------------------------------------------------------


@TEMPLATES
def test_slug_is_a_slug(spec):
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", spec.slug)
    assert len(spec.slug) <= 60


@TEMPLATES
def test_role_codes_short_uppercase_and_names_unique(spec):
    codes = [r.code for r in spec.roles]
    names = [r.name.lower() for r in spec.roles]
    assert all(CODE.fullmatch(code) for code in codes), codes
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert all(r.name.strip() == r.name and r.name for r in spec.roles)


@TEMPLATES
def test_activity_names_unique(spec):
    names = [a.name.lower() for a in spec.activities]
    assert len(set(names)) == len(names)
    assert all(a.name.strip() == a.name and a.name for a in spec.activities)


@TEMPLATES
def test_phases_are_known_and_in_lifecycle_order(spec):
    phases = [a.phase for a in spec.activities]
    assert set(phases) <= PHASE_KEYS
    assert phases == sorted(phases, key=PHASE_ORDER.__getitem__)
    assert set(phases) == PHASE_KEYS  # every template covers the whole lifecycle


@TEMPLATES
def test_letters_are_valid_and_name_template_roles(spec):
    codes = {r.code for r in spec.roles}
    for activity in spec.activities:
        assert set(activity.letters) <= codes, activity.name
        assert all(value in VALUES for value in activity.letters.values()), activity.name


@TEMPLATES
def test_descriptions_are_short_plain_text(spec):
    texts = [spec.description] + [r.description for r in spec.roles] + [a.description for a in spec.activities]
    for text in texts:
        assert text and text.strip() == text
        assert len(text) < 300, text
        assert "\n" not in text and "<" not in text and ">" not in text, text
        assert "  " not in text, text


# --- per template: RACI discipline -----------------------------------------------------


@TEMPLATES
def test_every_activity_has_exactly_one_accountable(spec):
    for activity in spec.activities:
        assert len(accountable(activity)) == 1, activity.name


@TEMPLATES
def test_every_activity_has_a_responsible_and_not_too_many(spec):
    for activity in spec.activities:
        assert 1 <= len(responsible(activity)) <= 3, activity.name
        assert len(consulted(activity)) <= 4, activity.name


@TEMPLATES
def test_rule_engine_finds_no_errors_or_warnings(spec):
    findings = check(to_matrix_data(spec))
    bad = [(f.rule, f.message) for f in findings if f.severity in (ERROR, WARNING)]
    assert bad == []


@TEMPLATES
def test_only_roles_the_seeds_give_no_work_are_idle(spec):
    findings = check(to_matrix_data(spec))
    assert {f.role for f in findings if f.rule == "idle-role"} <= COLLABORATORS_ONLY
    for role in spec.roles:
        if role.code not in COLLABORATORS_ONLY:
            assert any(a.letters.get(role.code) in ("R", "A", "AR") for a in spec.activities), role.code


# --- per template: every letter names its source ----------------------------------------


@TEMPLATES
def test_every_letter_names_its_seed_or_is_marked_our_default_with_a_reason(spec):
    for activity in spec.activities:
        for code, letter in activity.cells.items():
            assert letter.seed in SEED_FILES | {OURS}, (activity.name, code)
            assert len(letter.says) >= 20 and letter.says.strip() == letter.says, (activity.name, code)
            # A letter from an article names it by its title (and author, where the article gives one).
            cited = ARTICLES[letter.seed].cited if letter.seed != OURS else ""
            assert letter.source.startswith("Our default: " if letter.seed == OURS else f"{cited}: ")
        ours = [code for code, letter in activity.cells.items() if letter.seed == OURS]
        assert bool(activity.our_default) == bool(ours), activity.name
        for code in ours:
            assert activity.cells[code].says in activity.our_default


@TEMPLATES
def test_every_activity_names_the_seeds_it_comes_from(spec):
    for activity in spec.activities:
        assert activity.seeds and set(activity.seeds) <= SEED_FILES, activity.name
        assert activity.source.startswith("From “")
        assert all(ARTICLES[key].title in activity.source for key in activity.seeds)
        assert set(activity.sources) == set(activity.letters)


@TEMPLATES
def test_the_accountable_letter_is_sourced_in_every_row(spec):
    # One A per activity, and the A says why: a seed, or our reason to discuss.
    for activity in spec.activities:
        (code,) = accountable(activity)
        assert activity.cells[code].says, activity.name


def test_sources_are_our_words_not_copied_sentences():
    # No source text repeats a seed sentence: the longest run of words shared with the
    # seed texts held in this test stays short.
    quotes = (
        "partners with RevOps/Finance on strategy",
        "leads research, segmentation, personas",
        "writes problem statement, picks outcome metrics",
        "Launch Ready = Support Docs + Pricing + Sales Training",
    )
    texts = [l.says for t in BUILTIN_TEMPLATES for a in t.activities for l in a.cells.values()]
    for quote in quotes:
        assert not any(quote.lower() in text.lower() for text in texts), quote


def test_every_template_has_rows_marked_our_default_and_says_which():
    for spec in BUILTIN_TEMPLATES:
        assert any(a.our_default for a in spec.activities), spec.slug


# --- to_matrix_data ----------------------------------------------------------------------


@TEMPLATES
def test_to_matrix_data_keys(spec):
    data = to_matrix_data(spec)
    assert [a.key for a in data.activities] == list(range(len(spec.activities)))
    assert [a.name for a in data.activities] == [a.name for a in spec.activities]
    assert [a.phase for a in data.activities] == [a.phase for a in spec.activities]
    assert [r.key for r in data.roles] == [r.code for r in spec.roles]
    assert [r.code for r in data.roles] == [r.code for r in spec.roles]
    expected = {(i, code): value for i, a in enumerate(spec.activities) for code, value in a.letters.items()}
    assert data.cells == expected
    held = {r.code for r in spec.roles if r.held_by_creator}
    assert set(data.holders) == held
    assert all(people == [CREATOR] for people in data.holders.values())
    assert (CREATOR in data.people) == bool(held)


# --- the default scale-up template ------------------------------------------------------


def test_default_template_has_the_cheat_sheet_letters_for_pm_and_pmm():
    spec = BY_SLUG["pm-pmm-scaleup"]
    letters = {a.name: {c: v for c, v in a.letters.items() if c in ("PM", "PMM")} for a in spec.activities}
    for name, expected in CHEAT_SHEET.items():
        assert letters[name] == expected, name


def test_default_template_has_the_cross_functional_roles_the_seeds_name():
    spec = BY_SLUG["pm-pmm-scaleup"]
    assert [r.code for r in spec.roles] == ["PM", "PMM", "ENG", "UX", "SALES", "CS", "REVOPS"]
    values = {v for a in spec.activities for v in a.letters.values()}
    assert {"C", "I"} <= values
    pricing = next(a for a in spec.activities if a.name == "Pricing & Packaging")
    assert pricing.letters["REVOPS"] == "C" and pricing.cells["REVOPS"].seed == "001"


def test_default_template_fixes_what_the_seeds_do_not_say():
    spec = BY_SLUG["pm-pmm-scaleup"]
    names = [a.name for a in spec.activities]
    assert "Pricing" not in names  # one pricing row, not two
    interviews = next(a for a in spec.activities if a.name == "Customer Interviews")
    assert interviews.letters["PM"] == "AR" and interviews.cells["PM"].seed == "002"
    assert interviews.letters["PMM"] == "R" and interviews.cells["PMM"].seed == "000"
    sizing = next(a for a in spec.activities if "TAM" in a.name)
    assert "TAM, OAM, SAM" in sizing.name and sizing.letters["PM"] == "R"  # "The driver-navigator post": shared equally
    for missing in (
        "Specs & Thin Slices",
        "Launch Readiness",
        "Day-30 Readout: Press, Pivot or Pause",
        "Competitive Snapshots",
    ):
        assert missing in names


def test_default_template_readiness_is_confirmed_by_pm_in_launch():
    spec = BY_SLUG["pm-pmm-scaleup"]
    launch_a = {code for a in spec.activities if a.phase == "launch" for code in accountable(a)}
    assert "PM" in launch_a
    readiness = next(a for a in spec.activities if a.name == "Launch Readiness")
    assert readiness.key == "launch-readiness" and accountable(readiness) == ["PM"]


def test_default_template_phases_follow_the_lifecycle():
    phase = {a.name: a.phase for a in BY_SLUG["pm-pmm-scaleup"].activities}
    assert phase["Customer Interviews"] == "insight"
    assert phase["ICPs & Personas"] == "insight"
    assert phase["Roadmap & Prioritization"] == "strategy"
    assert phase["Positioning & Messaging"] == "strategy"
    assert phase["Pricing & Packaging"] == "strategy"
    assert phase["Product Analytics & Experiments"] == "build"
    assert phase["Launch Tiering & Go-to-Market Plan"] == "launch"
    assert phase["Sales/CS Enablement"] == "launch"
    assert phase["Win/Loss Synthesis"] == "post_launch"


def test_default_template_has_no_errors_or_warnings():
    findings = check(to_matrix_data(BY_SLUG["pm-pmm-scaleup"]))
    assert [f for f in findings if f.severity != INFO] == []


# --- the startup template ------------------------------------------------------------------


def test_startup_template_shares_hats():
    spec = BY_SLUG["pm-pmm-startup"]
    held = {r.code for r in spec.roles if r.held_by_creator}
    assert {"PM", "PMM"} <= held
    findings = check(to_matrix_data(spec))
    shared = [f for f in findings if f.rule == "shared-hats"]
    assert len(shared) == 1
    assert shared[0].severity == INFO and shared[0].person == CREATOR
    assert "PM" in shared[0].message and "PMM" in shared[0].message


def test_startup_template_is_smaller_than_the_scaleup_one():
    assert len(BY_SLUG["pm-pmm-startup"].activities) < len(BY_SLUG["pm-pmm-scaleup"].activities)


# --- the enterprise template ----------------------------------------------------------------


def test_enterprise_template_roles_and_size():
    spec = BY_SLUG["pm-pmm-enterprise"]
    assert [r.code for r in spec.roles] == ["PM", "PMM", "ENG", "UXR", "DES", "SALES", "SUP", "CS", "REVOPS"]
    assert 18 <= len(spec.activities) <= 26
    assert len(spec.activities) > len(BY_SLUG["pm-pmm-scaleup"].activities)
    assert not any(r.held_by_creator for r in spec.roles)


def test_enterprise_template_follows_the_phase_owners():
    spec = BY_SLUG["pm-pmm-enterprise"]
    by_phase: dict[str, set[str]] = {}
    for activity in spec.activities:
        by_phase.setdefault(activity.phase, set()).update(responsible(activity) + accountable(activity))
    assert {"PM", "UXR"} <= by_phase["insight"]  # Discovery: PM + UX researcher
    assert {"PM", "ENG"} <= by_phase["build"]  # Development: PM + engineering lead
    launch = [a for a in spec.activities if a.phase == "launch"]
    gtm_owned = sum(1 for a in launch if accountable(a) == ["PMM"])
    assert gtm_owned > len(launch) / 2  # Go-to-market: the GTM lead (PMM)
    assert any(a.letters.get("SALES") for a in launch) and any(a.letters.get("SUP") for a in launch)


def test_enterprise_template_covers_the_shared_concerns():
    names = " | ".join(a.name.lower() for a in BY_SLUG["pm-pmm-enterprise"].activities)
    for concern in (
        "segmentation",
        "tam, oam, sam",
        "value proposition",
        "personas",
        "pricing",
        "positioning",
        "go-to-market",
        "readiness",
        "enablement",
        "win/loss",
        "day-30",
    ):
        assert concern in names, concern
    pricing = next(a for a in BY_SLUG["pm-pmm-enterprise"].activities if a.name.startswith("Pricing"))
    assert accountable(pricing) == ["PMM"] and pricing.letters.get("REVOPS") == "C"
    readiness = next(a for a in BY_SLUG["pm-pmm-enterprise"].activities if a.name == "Launch Readiness")
    assert accountable(readiness) == ["PM"]


def test_the_articles_are_named_by_title_and_author_where_one_is_given():
    assert ARTICLES["000"].cited == "“Product Marketing vs. Product Management: The GTM Framework” by James Doman-Pipe"
    assert ARTICLES["001"].cited == "“Product Management vs. Product Marketing: Key Differences”"


@TEMPLATES
def test_no_text_of_a_template_names_a_seed(spec):
    texts = [spec.name, spec.description]
    texts += [role.description for role in spec.roles]
    for activity in spec.activities:
        texts += [activity.description, activity.source, activity.our_default, *activity.sources.values()]
    for text in texts:
        assert not re.search(r"\bseeds?\b", text, re.IGNORECASE), text


@TEMPLATES
def test_every_finding_of_a_template_is_one_it_accepts_with_its_source_article(spec):
    findings = check(to_matrix_data(spec))
    accepted = {(a.rule, a.role, a.person) for a in spec.acknowledgments}
    assert {(f.rule, f.role, f.person) for f in findings} == accepted
    for ack in spec.acknowledgments:
        assert any(f"“{title}”" in ack.reason for title in builtin_templates.SEEDS.values()), ack.reason
