"""The built-in templates are pure data: checked here without a database."""

import ast
import re
from pathlib import Path

import pytest

from raci import builtin_templates
from raci.builtin_templates import (
    BUILTIN_TEMPLATES,
    CREATOR,
    DEFAULT_TEMPLATE_SLUG,
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

DEFAULT_LETTERS = {
    "Interviews": {"PM": "AR", "PMM": "R"},
    "ICPs & Personas": {"PMM": "AR", "PM": "C"},
    "Problem Framing & Success Metrics": {"PM": "AR", "PMM": "C"},
    "Roadmap & Prioritization": {"PM": "AR", "PMM": "C"},
    "Positioning & Messaging": {"PMM": "AR", "PM": "C"},
    "Pricing & Packaging Inputs": {"PMM": "AR", "PM": "C"},
    "Product Analytics & Experiments": {"PM": "AR", "PMM": "C"},
    "Pricing": {"PMM": "AR", "PM": "C"},
    "Naming": {"PMM": "AR", "PM": "C"},
    "Launch Tiering & Go-to-Market Plan": {"PMM": "AR", "PM": "C"},
    "Sales/CS Enablement": {"PMM": "AR", "PM": "C"},
    "Win/Loss Synthesis": {"PMM": "AR", "PM": "C"},
}


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
def test_every_role_does_some_work(spec):
    findings = check(to_matrix_data(spec))
    assert [f.role for f in findings if f.rule == "idle-role"] == []
    for role in spec.roles:
        assert any(a.letters.get(role.code) in ("R", "A", "AR") for a in spec.activities), role.code


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

def test_default_template_has_the_cheat_sheet_activities_and_letters():
    spec = BY_SLUG["pm-pmm-scaleup"]
    assert [r.code for r in spec.roles] == ["PM", "PMM"]
    assert {r.code: r.name for r in spec.roles} == {"PM": "Product Manager", "PMM": "Product Marketing Manager"}
    assert not any(r.held_by_creator for r in spec.roles)
    assert len(spec.activities) == 12
    assert {a.name: a.letters for a in spec.activities} == DEFAULT_LETTERS


def test_default_template_spot_checks():
    letters = {a.name: a.letters for a in BY_SLUG["pm-pmm-scaleup"].activities}
    assert letters["Positioning & Messaging"] == {"PMM": "AR", "PM": "C"}
    assert letters["Roadmap & Prioritization"] == {"PM": "AR", "PMM": "C"}
    assert letters["Pricing"]["PMM"] in ("A", "AR") and letters["Pricing"]["PM"] == "C"
    assert letters["Naming"]["PMM"] in ("A", "AR") and letters["Naming"]["PM"] == "C"
    # Interviews: both run them, one of them accountable.
    assert sorted(letters["Interviews"].values()) == ["AR", "R"]


def test_default_template_phases_follow_the_lifecycle():
    phase = {a.name: a.phase for a in BY_SLUG["pm-pmm-scaleup"].activities}
    assert phase["Interviews"] == "insight"
    assert phase["ICPs & Personas"] == "insight"
    assert phase["Roadmap & Prioritization"] == "strategy"
    assert phase["Positioning & Messaging"] == "strategy"
    assert phase["Product Analytics & Experiments"] == "build"
    assert phase["Launch Tiering & Go-to-Market Plan"] == "launch"
    assert phase["Sales/CS Enablement"] == "launch"
    assert phase["Win/Loss Synthesis"] == "post_launch"


def test_default_template_has_no_findings_at_all():
    assert check(to_matrix_data(BY_SLUG["pm-pmm-scaleup"])) == []


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
    for concern in ("segmentation", "tam/sam", "value proposition", "personas", "pricing",
                    "positioning", "go-to-market", "readiness", "enablement", "win/loss", "day-30"):
        assert concern in names, concern
    pricing = next(a for a in BY_SLUG["pm-pmm-enterprise"].activities if a.name.startswith("Pricing"))
    assert accountable(pricing) == ["PMM"] and pricing.letters.get("REVOPS") in ("R", "C")
    readiness = next(a for a in BY_SLUG["pm-pmm-enterprise"].activities if a.name == "Launch Readiness")
    assert accountable(readiness) == ["PM"]
