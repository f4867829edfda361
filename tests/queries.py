"""One way to assert query counts: the same count for a small and a large amount of data.

    assert_same_queries(lambda size: add_launches(cycle, upto=size), lambda _: client.get(url),
                        sizes=(5, 50), at_most=12)

`build(size)` makes the data at that size (a fresh set, or the old one grown to it) and
returns what `visit` needs; `visit(built)` makes the request (or the call) whose queries
are counted, once at each size. Savepoints are not counted. `at_most` also holds the count
to a budget where a test names one; `check(result, size)` looks at each answer.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

_NOT_QUERIES = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def queries_of(visit: Callable[[], object]) -> tuple[object, list[str]]:
    """What `visit()` returned and the SQL of the queries it made, savepoints left out."""
    with CaptureQueriesContext(connection) as captured:
        result = visit()
    return result, [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(_NOT_QUERIES)]


def assert_same_queries(
    build: Callable[[int], object],
    visit: Callable[[object], object],
    *,
    sizes: tuple[int, int] = (5, 50),
    at_most: int | None = None,
    check: Callable[[object, int], object] | None = None,
) -> int:
    """Assert `visit` makes as many queries at `sizes[1]` as at `sizes[0]` (and no more
    than `at_most`). Returns the count."""
    counts = []
    for size in sizes:
        built = build(size)
        result, sql = queries_of(lambda: visit(built))  # noqa: B023  (called at once)
        if check is not None:
            check(result, size)
        counts.append(sql)
    small, large = counts
    assert len(small) == len(large), f"{len(small)} queries at {sizes[0]}, {len(large)} at {sizes[1]}:\n" + "\n".join(
        large
    )
    if at_most is not None:
        assert len(large) <= at_most, f"{len(large)} queries, over {at_most}:\n" + "\n".join(large)
    return len(large)
