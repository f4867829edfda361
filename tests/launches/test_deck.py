"""The quarter as slides, opened again with python-pptx: the tier board, a slide per Tier 1
launch with its dates, owners and readiness, the load by week, the plan warnings; the
stated minimum sizes; names hidden when asked; the same queries at 5 and 50 launches."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from pptx import Presentation

from core import slides
from launches import selectors, services
from launches.deck import quarter_deck, quarter_deck_of, role_only
from launches.models import Launch
from tests.launches.conftest import TIER_1_SCORES, make_launch
from tests.queries import assert_same_queries
from workspaces.workload import Quarter

pytestmark = pytest.mark.django_db
Q1 = Quarter(2027, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-12-01 12:00:00+00:00", tick=False):
        yield


def _tier_1(cycle, people, name, day, **kwargs):
    launch = make_launch(cycle, people, name=name, launch_date=day, **kwargs)
    services.launch_score(launch=launch, scores=TIER_1_SCORES)
    return services.launch_set_tier(launch=launch, tier=1, actor=people["PMM"])


def _open(body: bytes):
    return Presentation(io.BytesIO(body))


def _texts(slide) -> list[str]:
    found = []
    for shape in slide.shapes:
        if shape.has_table:
            found += [cell.text for row in shape.table.rows for cell in row.cells]
        elif shape.has_text_frame:
            found.append(shape.text_frame.text)
    return found


def _title(slide) -> str:
    return _texts(slide)[0]


def _slides(prs) -> dict[str, list[str]]:
    """Each slide's text by its title (a continued slide under its own title)."""
    return {_title(slide): _texts(slide) for slide in prs.slides}


def _all_text(prs) -> str:
    return "\n".join(t for slide in prs.slides for t in _texts(slide))


@pytest.fixture
def quarter(team):
    ws, cycle, people = team
    _tier_1(cycle, people, "Usage-based billing", date(2027, 3, 15), ship_date=date(2027, 3, 10))
    make_launch(cycle, people, name="Dark mode", launch_date=date(2027, 2, 1))
    make_launch(cycle, people, name="Early bird", launch_date=date(2026, 12, 20))  # a plan warning
    return team


def test_the_deck_opens_with_the_quarter_and_its_tiers(quarter):
    ws, _, _ = quarter
    prs = _open(quarter_deck_of(workspace=ws, quarter=Q1))
    cover = _texts(prs.slides[0])
    assert cover[0] == "2027-Q1 launches"
    assert "1 Jan 2027 – 31 Mar 2027" in cover
    assert "Tier 1: 1 launch, 0 ready." in cover and "Untiered: 2 launches, 0 ready." in cover


def test_the_tier_board_lists_each_launch_under_its_tier(quarter):
    ws, _, _ = quarter
    prs = _open(quarter_deck_of(workspace=ws, quarter=Q1))
    board = next(s for s in prs.slides if _title(s) == "Launches by tier")
    table = next(shape.table for shape in board.shapes if shape.has_table)
    header = [c.text for c in table.rows[0].cells]
    assert header == ["Tier 1 (1)", "Tier 2 (0)", "Tier 3 (0)", "Untiered (2)"]
    column = {h: [row.cells[n].text for row in list(table.rows)[1:]] for n, h in enumerate(header)}
    assert column["Tier 1 (1)"][0].startswith("Usage-based billing\n15 Mar · 0 of ")
    assert any(t.startswith("Dark mode\n1 Feb") for t in column["Untiered (2)"])


def test_each_tier_1_launch_has_its_slide_with_dates_owners_readiness_and_checklist(quarter):
    ws, cycle, people = quarter
    launch = Launch.objects.get(name="Usage-based billing")
    prs = _open(quarter_deck_of(workspace=ws, quarter=Q1))
    found = _slides(prs)
    slide = found["Tier 1: Usage-based billing"]
    intro = slide[1]
    assert intro.startswith("Launch date: 15 Mar 2027 · ships 10 Mar 2027")
    assert f"PM owner: {people['PM'].display_name}" in intro and f"PMM owner: {people['PMM'].display_name}" in intro
    assert slide[2].startswith("Readiness: 0 of ") and "Not ready:" in slide[2]
    assert slide[3:7] == ["Readiness item", "Owner", "Due", "Status"]
    items = list(launch.items.all())
    shown = slide + found.get("Tier 1: Usage-based billing (continued)", [])
    for item in items:
        assert item.title + (" (required)" if item.required else "") in shown
    assert not any(_title(s).endswith("Dark mode") for s in prs.slides)  # Tier 1 only


def test_the_load_by_week_names_each_person_and_the_team_total(quarter):
    ws, _, people = quarter
    found = _slides(_open(quarter_deck_of(workspace=ws, quarter=Q1)))
    load = found["Load by week"]
    assert "Week of" in load and "4 Jan" in load and "Everyone" in load
    assert people["PMM"].display_name in load
    assert "Limits: 5 per person and week, 12 for everyone" in load[1]


def test_the_plan_warnings_are_listed_under_their_launch(quarter):
    ws, _, _ = quarter
    found = _slides(_open(quarter_deck_of(workspace=ws, quarter=Q1)))
    body = found["What is wrong with the plan"][1]
    assert "Early bird (Untiered)" in body
    assert "The launch date, 20 Dec 2026, is in 2026-Q4" in body


def test_a_person_over_the_limit_is_marked_in_the_load_and_said_in_the_warnings(team):
    ws, cycle, people = team
    for n in range(3):
        _tier_1(cycle, people, f"Launch {n}", date(2027, 3, 15 + n))
    prs = _open(quarter_deck_of(workspace=ws, quarter=Q1))
    load = next(s for s in prs.slides if _title(s) == "Load by week")
    table = next(shape.table for shape in load.shapes if shape.has_table)
    over = [c for row in table.rows for c in row.cells if c.text.endswith("!")]
    assert over and all(str(c.fill.fore_color.rgb) == "FFF4D6" for c in over)
    assert f"{people['PMM'].display_name} has " in _all_text(prs)


def test_hide_names_shows_roles_and_the_team_never_a_person(team):
    ws, cycle, people = team
    for n in range(3):
        _tier_1(cycle, people, f"Launch {n}", date(2027, 3, 15 + n))
    text = _all_text(_open(quarter_deck_of(workspace=ws, quarter=Q1, hide_names=True)))
    for member in people.values():
        assert member.display_name not in text
    assert "Names are hidden: roles only." in text
    assert "PM owner: named" in text and "People over their limit" in text
    assert "over the per-person limit in some week." in text
    assert "PMM" in text  # the readiness items' owners, as roles


def test_an_owner_label_without_its_person():
    assert role_only("PMM · Sam Lee") == "PMM"
    assert role_only("CS · nobody holds this role") == "CS"
    assert role_only("Sam Lee") == "a person"
    assert role_only("no owner") == "no owner"


def test_a_quarter_nobody_opened_says_so_on_one_slide(team):
    ws, _, _ = team
    prs = _open(quarter_deck_of(workspace=ws, quarter=Quarter(2027, 3)))
    assert len(prs.slides) == 1
    assert "Nobody has opened 2027-Q3's launch cycle yet." in _texts(prs.slides[0])


def test_no_text_is_smaller_than_the_stated_minimum_and_every_slide_names_the_workspace(quarter):
    ws, _, _ = quarter
    prs = _open(quarter_deck_of(workspace=ws, quarter=Q1))
    for slide in prs.slides:
        footers = [s.text_frame.text for s in slide.shapes if s.name == slides.FOOTER_NAME]
        assert footers[0] == f"{ws.name} · 1 Dec 2026"
        for shape in slide.shapes:
            if shape.has_table:
                frames = [c.text_frame for r in shape.table.rows for c in r.cells]
            elif shape.has_text_frame:
                frames = [shape.text_frame]
            else:
                continue
            least = slides.MIN_TABLE_PT if shape.has_table or shape.name == slides.FOOTER_NAME else slides.MIN_BODY_PT
            for run in (r for f in frames for p in f.paragraphs for r in p.runs):
                assert run.font.size.pt >= least, run.text


def test_the_deck_is_built_from_the_plan_without_a_query(quarter, django_assert_num_queries):
    ws, _, _ = quarter
    today = ws.today()
    rubric = selectors.rubric_of(workspace_id=ws.pk)
    plan = selectors.quarter_plan_of(workspace=ws, year=2027, quarter=1, rubric=rubric, today=today)
    with django_assert_num_queries(0):
        quarter_deck(plan, workspace_name=ws.name, today=today)


def test_the_deck_reads_the_same_queries_at_5_and_50_launches(team):
    ws, cycle, people = team

    def build(size):
        for n in range(Launch.objects.filter(cycle=cycle).count(), size):
            launch = make_launch(
                cycle, people, name=f"Launch {n}", launch_date=date(2027, 1, 4) + timedelta(days=n % 80)
            )
            services.launch_set_tier(launch=launch, tier=1 + n % 3, reason="Planned", actor=people["PMM"])

    def check(body, size):
        prs = _open(body)
        tier_1 = [s for s in prs.slides if _title(s).startswith("Tier 1: ") and not _title(s).endswith("(continued)")]
        assert len(tier_1) == len([n for n in range(size) if n % 3 == 0])

    assert_same_queries(build, lambda _: quarter_deck_of(workspace=ws, quarter=Q1), at_most=10, check=check)


def test_an_opened_quarter_without_launches_says_so_on_its_board(team):
    ws, _, _ = team
    prs = _open(quarter_deck_of(workspace=ws, quarter=Q1))
    board = _slides(prs)["Launches by tier"]
    assert "No launches in 2027-Q1 yet." in board
