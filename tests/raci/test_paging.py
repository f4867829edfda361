"""Which activities a page of a big matrix shows: plain arithmetic, every edge."""

import pytest

from core.bounds import query_int
from raci import paging


@pytest.mark.parametrize("columns, size", [(1, 3000), (10, 300), (15, 200), (60, 50), (7, 428), (0, 3000)])
def test_a_page_holds_as_many_whole_rows_as_fit_3000_cells(columns, size):
    assert paging.page_size(columns) == size
    assert size * max(columns, 1) <= paging.CELL_BUDGET


def test_a_matrix_within_the_budget_is_one_page_whatever_is_asked():
    page = paging.page_for(total=200, n_columns=15, requested=4)
    assert (page.number, page.count, page.first, page.last, page.paged) == (1, 1, 1, 200, False)


def test_a_big_matrix_is_cut_into_pages_and_the_last_one_holds_the_rest():
    page = paging.page_for(total=1840, n_columns=15, requested=10)
    assert (page.number, page.count, page.first, page.last) == (10, 10, 1801, 1840)
    assert paging.page_for(total=1840, n_columns=15, requested=None).last == 200


@pytest.mark.parametrize("requested, number", [(None, 1), (0, 1), (1, 1), (7, 7), (8, 7), (10**9, 7)])
def test_a_requested_page_is_kept_within_the_pages_that_exist(requested, number):
    assert paging.page_for(total=2000, n_columns=10, requested=requested).number == number


def test_an_empty_matrix_is_one_empty_page():
    page = paging.page_for(total=0, n_columns=60, requested=3)
    assert (page.number, page.count, page.first, page.last, page.rows([])) == (1, 1, 0, 0, [])


def test_pages_cover_every_activity_exactly_once():
    items = list(range(1999))
    first = paging.page_for(total=len(items), n_columns=13, requested=1)
    seen = [
        i
        for n in range(1, first.count + 1)
        for i in paging.page_for(total=len(items), n_columns=13, requested=n).rows(items)
    ]
    assert seen == items
    assert all(paging.page_of(index=i, total=len(items), n_columns=13) == i // first.size + 1 for i in items)


@pytest.mark.parametrize(
    "text, number",
    [
        ("3", 3),
        ("003", 3),
        ("999999999", 999999999),
        ("", None),
        (None, None),
        ("-1", None),
        ("+2", None),
        ("1.5", None),
        ("1e3", None),
        (" 2", None),
        ("2 ", None),
        ("²", None),
        ("٣", None),
        ("1" * 10, 1111111111),
        ("9" * 400, None),
        ("0x10", None),
        ("2\x00", None),
    ],
)
def test_a_page_number_from_the_url_is_a_plain_number_or_nothing(text, number):
    assert query_int(text) == number


def test_the_pager_lists_the_ends_and_the_pages_around_this_one():
    assert paging.page_for(total=2000, n_columns=60, requested=20).nearby() == [1, None, 18, 19, 20, 21, 22, None, 40]
    assert paging.page_for(total=2000, n_columns=60, requested=1).nearby() == [1, 2, 3, None, 40]
    assert paging.page_for(total=900, n_columns=10, requested=2).nearby() == [1, 2, 3]


def test_each_phase_links_to_the_page_its_first_activity_is_on():
    phases = ["insight"] * 250 + ["strategy"] * 400 + ["launch"] * 10 + [""] * 5
    page = paging.page_for(total=len(phases), n_columns=10, requested=1)
    assert paging.phase_starts(phases, page) == [("insight", 1), ("strategy", 1), ("launch", 3), ("", 3)]


def test_a_block_that_runs_past_the_pages_last_row_spills_onto_the_next_page():
    page = paging.page_for(total=250, n_columns=30, requested=1)  # rows 1..100 on page 1
    assert list(paging.spill(page, start=97, rows=5)) == [100, 101]
    assert not paging.spill(page, start=95, rows=5)
    # The matrix's own edge is the paste's own refusal, not a spill.
    last = paging.page_for(total=250, n_columns=30, requested=3)
    assert not paging.spill(last, start=248, rows=5)
    assert not paging.spill(paging.page_for(total=50, n_columns=30, requested=1), start=48, rows=5)
