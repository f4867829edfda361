"""Rows a whole test module reads, built once instead of before every test.

`yield from rows_for_the_module(django_db_blocker, build)` in a module-scoped fixture runs
`build()` in a transaction that stays open until the module's last test has run and is
then rolled back, so the next module starts from the same empty database as ever. Each test
still runs in a savepoint of its own inside it (pytest-django's `django_db`), so what one
test writes the next one does not see. Only for tests that read what `build()` made, or
write and roll back: a transactional test (`transaction=True`, the live server) cannot run
inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db import transaction


def rows_for_the_module[T](django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException as error:
            transaction.set_rollback(True)
            outer.__exit__(type(error), error, error.__traceback__)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
