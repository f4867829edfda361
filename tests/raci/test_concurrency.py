"""Many editors at once on overlapping cells, through the real write path (HTTP views).

Every accepted edit is in the history, every refused one got 409, nothing failed, and
replaying the history from the start gives exactly the final matrix.
"""

import random
import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from raci.models import Cell, ChangeEvent
from raci.rules import DISPLAY
from raci.selectors import matrix_grid
from tests.factories import MembershipFactory, build_matrix

THREADS, EDITS = 20, 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_editors_never_lose_or_overwrite_each_other(capsys):
    owner = MembershipFactory(access="editor")
    matrix, acts, roles = build_matrix(owner.workspace, activities=2, roles=2)
    start = {(c.activity_id, c.role_id): c.value for c in Cell.objects.filter(activity__matrix=matrix)}
    members = [MembershipFactory(workspace=owner.workspace, access="editor") for _ in range(THREADS)]
    cells = [(a.pk, r.pk) for a in acts for r in roles]  # four cells for twenty editors
    statuses: Counter = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def editor(member, seed):
        rng = random.Random(seed)
        client = Client()
        client.force_login(member.user)
        try:
            barrier.wait()
            for _ in range(EDITS):
                a, r = rng.choice(cells)
                value, version = Cell.objects.filter(activity_id=a, role_id=r).values_list(
                    "value", "version").first() or ("", 0)
                # A different value from the one read: if the version still holds when the
                # write lands, the edit is a real change and must be in the history.
                new = rng.choice([v for v in ("R", "A", "AR", "C", "I", "") if v != value])
                url = reverse("raci:cell", args=[matrix.workspace.slug, matrix.slug, a, r])
                response = client.post(url, {"value": new, "version": version}, headers={"HX-Request": "true"})
                with lock:
                    statuses[response.status_code] += 1
        except Exception as exc:  # reported below: a thread's failure must fail the test
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=editor, args=(m, i)) for i, m in enumerate(members)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sum(statuses.values()) == THREADS * EDITS
    assert set(statuses) <= {200, 409}, statuses
    events = list(ChangeEvent.objects.filter(matrix=matrix, kind="cell").order_by("seq"))
    assert len(events) == statuses[200]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))

    state = {key: DISPLAY[value] for key, value in start.items()}
    for event in events:
        key = (event.activity_id_ref, event.role_id_ref)
        assert state.get(key, "") == event.before, f"event {event.seq} does not follow from the one before"
        state[key] = event.after
    final = {(c.activity_id, c.role_id): DISPLAY[c.value] for c in Cell.objects.filter(activity__matrix=matrix)}
    assert {k: v for k, v in state.items() if v} == {k: v for k, v in final.items() if v}
    # The finding counts, kept by each edit's difference, equal a full check.
    matrix.refresh_from_db()
    assert matrix.counts == matrix_grid(matrix=matrix).counts
    with capsys.disabled():
        print(f"\nconcurrency on {connection.vendor}: {THREADS} threads x {EDITS} edits on {len(cells)} cells: "
              f"accepted {statuses[200]} (history records {len(events)}), refused {statuses[409]} (409), "
              f"replay equal: True")
