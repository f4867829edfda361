"""The grid's cells: every editable cell, an empty one too, has a name a screen reader reads."""

import pytest

from raci.grid_render import badge_html, cell_html


def test_an_empty_editable_cell_is_named_empty():
    html = cell_html(1, 2, "", 3, editable=True)
    assert 'aria-label="empty"' in html
    assert html.endswith("></a>")  # no text: the grid's keyboard and tests read the letter


def test_a_cell_with_a_letter_is_named_by_its_letter():
    assert "aria-label" not in cell_html(1, 2, "AR", 3, editable=True)
    assert ">A/R</a>" in cell_html(1, 2, "AR", 3, editable=True)


def test_a_read_only_cell_needs_no_name():
    assert "aria-label" not in cell_html(1, 2, "", 3, editable=False)


def _finding(rule, severity):
    from raci.rules import Finding

    return Finding(rule=rule, severity=severity, message="", fix="", activity=1)


@pytest.mark.parametrize(("severity", "mark"), [("error", "✖"), ("warning", "▲"), ("info", "ℹ")])
def test_a_badge_shows_its_severity_by_a_mark_and_in_words_not_by_colour_alone(severity, mark):
    html = badge_html([_finding("some-rule", severity)], "rb-1")
    assert f'<span class="sev-mark" aria-hidden="true">{mark}</span>1' in html
    assert f"{severity}: some-rule" in html  # read by screen readers, and in the tooltip


def test_a_badge_names_the_worst_severity_of_its_findings():
    html = badge_html([_finding("idle-role", "info"), _finding("no-accountable", "error")], "rb-1")
    assert (
        "sev-e" in html
        and "✖" in html
        and "2 findings, the worst an error" in html.replace('<span class="vh"> ', " ").replace("</span>", "")
    )
