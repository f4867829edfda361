"""The grid's cells: every editable cell, an empty one too, has a name a screen reader reads."""

from raci.grid_render import cell_html


def test_an_empty_editable_cell_is_named_empty():
    html = cell_html(1, 2, "", 3, editable=True)
    assert 'aria-label="empty"' in html
    assert html.endswith("></a>")  # no text: the grid's keyboard and tests read the letter


def test_a_cell_with_a_letter_is_named_by_its_letter():
    assert "aria-label" not in cell_html(1, 2, "AR", 3, editable=True)
    assert ">A/R</a>" in cell_html(1, 2, "AR", 3, editable=True)


def test_a_read_only_cell_needs_no_name():
    assert "aria-label" not in cell_html(1, 2, "", 3, editable=False)
