"""The quarter's pre-read: a printable page with a one-page summary, and its CSV/XLSX
export (launches, scores, suggested and chosen tiers with reasons, owners, readiness,
warnings), formula-safe."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from launches import services
from raci.models import Decision
from tests.factories import MatrixFactory, MembershipFactory
from tests.launches.conftest import TIER_2_SCORES, make_launch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-12-01 12:00:00+00:00", tick=False):
        yield


@pytest.fixture
def quarter(team):
    ws, cycle, people = team
    billing = make_launch(cycle, people, name='=HYPERLINK("x")', launch_date=date(2027, 3, 15))
    services.launch_score(launch=billing, scores=TIER_2_SCORES)
    services.launch_set_tier(launch=billing, tier=1, reason="Board ask", actor=people["PMM"])
    make_launch(cycle, people, name="Early bird", launch_date=date(2026, 12, 20))
    last = services.cycle_create(workspace=ws, quarter="2026-Q4")
    done = make_launch(last, people, name="Shipped", launch_date=date(2026, 10, 5))
    services.outcome_record(
        launch=done,
        launched_on=date(2026, 10, 5),
        metric_name="Signups",
        metric_target=Decimal("10"),
        metric_actual=Decimal("12"),
        outcome="press_on",
    )
    matrix = MatrixFactory(workspace=ws)
    Decision.objects.create(
        matrix=matrix, what="Price review", decided_on=date(2026, 11, 1), review_on=date(2027, 2, 1)
    )
    return ws, people


def _url(ws, name="preread", *extra):
    return reverse(f"launches:{name}", args=[ws.slug, "2027-q1", *extra])


def test_the_pre_read_page_has_the_summary_and_every_launch(client, quarter):
    ws, people = quarter
    client.force_login(people["viewer"].user)
    body = client.get(_url(ws)).content.decode()
    assert "2027-Q1 pre-read" in body and "Print or save as PDF" in body and "js/print.js" in body
    assert "Tier 1</strong>: 1 launch" in body and "Untiered</strong>: 1 launch" in body
    assert "Day-30 outcomes of 2026-Q4" in body and "Shipped</strong>: Press on" in body
    assert "Price review" in body and "=HYPERLINK" in body and "Board ask" in body
    assert "is in 2026-Q4, not in this cycle" in body
    assert _url(ws, "preread_export", "csv") in body and _url(ws, "preread_export", "xlsx") in body


def test_the_pre_read_names_who_owns_the_open_work_and_each_person_s_load(client, quarter):
    ws, people = quarter
    client.force_login(people["viewer"].user)
    body = client.get(_url(ws)).content.decode()
    section = body[body.index('id="owners-h"') : body.index('id="detail-h"')]
    assert "Who owns the open work" in section and "Load by person" in section
    pmm = people["PMM"].display_name
    assert f"<strong>{pmm}</strong>: " in section and "in the busiest week" in section
    assert "Waiting on " in body[body.index('id="detail-h"') :]
    rows = list(csv.DictReader(io.StringIO(client.get(_url(ws, "preread_export", "csv")).content.decode())))
    assert any(row["Waiting on"] for row in rows)


def test_the_csv_lists_scores_tiers_reasons_owners_readiness_and_warnings_formula_safe(client, quarter):
    ws, people = quarter
    client.force_login(people["viewer"].user)
    response = client.get(_url(ws, "preread_export", "csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="' in response["Content-Disposition"] and "2027-q1-pre-read.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    billing = next(r for r in rows if "HYPERLINK" in r["Launch"])
    assert billing["Launch"].startswith("'=") and billing["Score"] == "12" and billing["Suggested tier"] == "Tier 2"
    assert billing["Tier"] == "Tier 1" and billing["Reason"] == "Board ask"
    assert billing["PMM owner"] == people["PMM"].display_name and billing["Ready"] == "no"
    early = next(r for r in rows if r["Launch"] == "Early bird")
    assert "2026-Q4" in early["Warnings"] and early["Tier"] == ""


def test_the_xlsx_holds_the_same_rows_as_text(client, quarter):
    ws, people = quarter
    client.force_login(people["viewer"].user)
    response = client.get(_url(ws, "preread_export", "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:6] == ["Launch", "Launch date", "Ship date", "Score", "Suggested tier", "Tier"]
    assert any(str(v[0]).startswith("'=HYPERLINK") for v in values[1:])
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value is not None)


def test_unknown_formats_and_quarters_are_404_and_outsiders_see_nothing(client, quarter):
    ws, people = quarter
    client.force_login(people["viewer"].user)
    assert client.get(_url(ws, "preread_export", "pdf")).status_code == 404
    # Not a quarter: the URL's converter refuses it, so no name reverses to it.
    assert client.get(f"/w/{ws.slug}/launches/quarter/2027-q7/pre-read/").status_code == 404
    client.force_login(MembershipFactory().user)
    assert client.get(_url(ws)).status_code == 404
    assert client.get(_url(ws, "preread_export", "csv")).status_code == 404


def test_a_quarter_without_a_cycle_has_an_empty_pre_read(client, quarter):
    ws, people = quarter
    client.force_login(people["viewer"].user)
    response = client.get(reverse("launches:preread", args=[ws.slug, "2028-q1"]))
    assert response.status_code == 200 and "No launches in 2028-Q1" in response.content.decode()
