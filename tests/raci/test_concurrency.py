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
                    "value", "version"
                ).first() or ("", 0)
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
        print(
            f"\nconcurrency on {connection.vendor}: {THREADS} threads x {EDITS} edits on {len(cells)} cells: "
            f"accepted {statuses[200]} (history records {len(events)}), refused {statuses[409]} (409), "
            f"replay equal: True"
        )


# --- a finding's fix under concurrent editing -------------------------------------------------


def _fix(client, matrix, activity, role, since):
    return client.post(
        reverse("raci:fix_apply", args=[matrix.workspace.slug, matrix.slug]),
        {"rule": "multiple-accountable", "activity": activity.pk, "code": f"single:{role.pk}", "since": since},
    )


def _letters(activity):
    return dict(Cell.objects.filter(activity=activity).exclude(value="").values_list("role__code", "value"))


@pytest.mark.django_db
def test_a_fix_on_a_matrix_another_editor_fixed_since_is_refused_with_what_changed(client):
    first = MembershipFactory(access="editor")
    matrix, acts, roles = build_matrix(
        first.workspace, activities=3, roles=3, letters={(0, 0): "A", (0, 1): "A", (1, 0): "AR", (2, 1): "AR"}
    )
    second = MembershipFactory(workspace=first.workspace, access="editor")
    since = matrix.last_seq  # both editors look at the finding's page now
    client.force_login(first.user)
    assert _fix(client, matrix, acts[0], roles[0], since).status_code == 302
    after_first = _letters(acts[0])
    events = ChangeEvent.objects.filter(matrix=matrix).count()
    client.force_login(second.user)
    response = _fix(client, matrix, acts[0], roles[1], since)
    assert response.status_code == 409
    page = response.content.decode()
    assert "was not applied: the matrix changed since you looked" in page
    assert "Activity 0 × GRI1" in page  # what the other editor changed
    assert _letters(acts[0]) == after_first == {"GRI0": "A", "GRI1": "C"}
    assert ChangeEvent.objects.filter(matrix=matrix).count() == events


ROUNDS = 4


def _race(posts):
    """Post each fix from its own thread (its own connection), all at the same moment."""
    barrier = threading.Barrier(len(posts))
    responses, errors = {}, []

    def editor(i, member, matrix, activity, role, since):
        client = Client()
        client.force_login(member.user)
        try:
            barrier.wait()
            responses[i] = _fix(client, matrix, activity, role, since)
        except Exception as exc:  # noqa: BLE001 (a thread's failure must fail the test)
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=editor, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses, errors


@pytest.mark.django_db(transaction=True)
def test_two_editors_racing_to_fix_the_same_finding_one_wins_and_the_other_is_told_what_changed(capsys):
    """Two connections post different fixes for the same finding at the same moment: one
    is applied whole, the other is refused (409, what changed) and writes nothing."""
    owner = MembershipFactory(access="editor")
    others = [MembershipFactory(workspace=owner.workspace, access="editor") for _ in range(2)]
    outcomes: Counter = Counter()
    for n in range(ROUNDS):
        matrix, acts, roles = build_matrix(
            owner.workspace,
            activities=3,
            roles=3,
            name=f"R{n}x",
            letters={(0, 0): "A", (0, 1): "A", (1, 0): "AR", (2, 1): "AR"},
        )
        responses, errors = _race(
            [(member, matrix, acts[0], roles[i], matrix.last_seq) for i, member in enumerate(others)]
        )
        assert not errors
        statuses = sorted(r.status_code for r in responses.values())
        assert statuses == [302, 409], statuses
        winner = next(i for i, r in responses.items() if r.status_code == 302)
        loser = responses[1 - winner]
        assert "the matrix changed since you looked" in loser.content.decode()
        assert f"Activity 0 × {roles[1 - winner].code} to C" in loser.content.decode()
        # The winner's fix, whole; nothing of the loser's.
        expected = {roles[winner].code: "A", roles[1 - winner].code: "C"}
        assert _letters(acts[0]) == expected
        events = list(ChangeEvent.objects.filter(matrix=matrix).order_by("seq"))
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert {e.group_label for e in events} == {
            "Fix: Make " + roles[winner].code + " the single A (the others R or C)"
        }
        matrix.refresh_from_db()
        assert matrix.counts == matrix_grid(matrix=matrix).counts
        outcomes[winner] += 1
    with capsys.disabled():
        print(
            f"\nfix race on {connection.vendor}: {ROUNDS} rounds, winners {dict(outcomes)}, "
            "every loser refused with what changed"
        )
