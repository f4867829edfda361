"""The matrix page's table and findings panel, drawn in plain Python, are the markup the
templates drew before (tests/raci/matrix_grid_before.html) from the same context: the
letters and versions of the cells, every accessible name, mark and link, user text
escaped the same way, and the controls each access level sees."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse

from raci.models import Activity, Decision, Matrix
from tests.factories import build_matrix, hold
from workspaces.models import Role

pytestmark = pytest.mark.django_db

BEFORE = engines["django"].from_string((Path(__file__).parent / "matrix_grid_before.html").read_text())
HOSTILE = '<img src=x onerror=alert(1)> "Tom\'s" & <b>co</b>'

# Row 0: no A among five R's and C's (no-accountable: five fixes, two beyond the panel's
# three); row 1: two A's; row 2: A without R (a warning, accepted below); row 3: a clean row.
LETTERS = {
    (0, 0): "R",
    (0, 1): "C",
    (0, 2): "R",
    (1, 0): "A",
    (1, 1): "AR",
    (2, 1): "A",
    (2, 3): "C",
    (3, 0): "AR",
    (3, 4): "I",
}


@pytest.fixture
def hostile(members_workspace, editor, client):
    matrix, acts, roles = build_matrix(members_workspace, activities=5, roles=5, letters=LETTERS)
    Matrix.objects.filter(pk=matrix.pk).update(name=f"Launch {HOSTILE}")
    Activity.objects.filter(pk=acts[0].pk).update(name=f"Pricing {HOSTILE}", description=f"Says {HOSTILE}")
    Activity.objects.filter(pk=acts[1].pk).update(source=f"Our default: {HOSTILE}", phase="launch")
    Activity.objects.filter(pk=acts[2].pk).update(source="From “Key Differences”.\nR: does it", phase="launch")
    Role.objects.filter(pk=roles[1].pk).update(name=f"Product {HOSTILE}", code="P&M")
    hold(roles[0], editor)
    for n in range(2):
        Decision.objects.create(matrix=matrix, activity=acts[3], what=f"Decided {n}", decided_on=date(2026, 11, 1))
    Decision.objects.create(matrix=matrix, activity=acts[0], what="Once", decided_on=date(2026, 11, 1))
    accept = reverse("raci:finding_accept", args=[matrix.workspace.slug, matrix.slug])
    review = (date.today() + timedelta(days=60)).isoformat()
    answer = client.post(
        accept,
        {"rule": "no-responsible", "activity": acts[2].pk, "reason": f"On purpose {HOSTILE}", "review_on": review},
    )
    assert answer.status_code == 302
    return matrix


def _flat(html: str) -> str:
    """Markup with runs of whitespace as one space and none between two tags: what a
    browser shows is the same either way in a table and a panel."""
    return re.sub(r"> <", "><", re.sub(r"\s+", " ", html)).strip()


def _element(html: str, start: str, end: str) -> str:
    first = html.index(start)
    return html[first : html.index(end, first) + len(end)]


@pytest.mark.parametrize("access", ["viewer", "editor", "admin"])
def test_the_page_draws_the_table_and_panel_the_templates_drew(client, hostile, request, access):
    member = request.getfixturevalue(access)
    client.force_login(member.user)
    response = client.get(reverse("raci:matrix", args=[hostile.workspace.slug, hostile.slug]))
    page = response.content.decode()
    keys = ("workspace", "matrix", "columns", "groups", "editable", "n_columns", "panel", "accepted", "panel_seq")
    before = BEFORE.render({key: response.context[key] for key in keys})

    table = _element(page, '<table class="grid', "</table>")
    panel = _element(page, '<section id="findings-panel"', "</section>")
    assert _flat(table) == _flat(_element(before, '<table class="grid', "</table>"))
    assert _flat(panel) == _flat(_element(before, '<section id="findings-panel"', "</section>"))

    # What the comparison covers is there: hostile text escaped, never markup.
    assert "<img" not in table + panel and "&lt;img src=x onerror=alert(1)&gt; &quot;Tom&#x27;s&quot;" in table
    assert 'class="odmark"' in table and 'class="srcmark"' in table and 'title="2 decisions"' in table
    assert "nobody holds this" in table and "P&amp;M" in table
    assert "accepted-findings" in panel and "On purpose &lt;img" in panel
    assert table.count('id="c-') == 25
    controls = (
        'data-v="1"',
        'class="edit"',
        'class="fix-buttons"',
        "2 more…",
        'aria-describedby="kbd-help"',
        "Details or withdraw",
    )
    for control in controls:
        assert (control in table + panel) == (access != "viewer"), control
