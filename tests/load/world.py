"""The workshop's world for `make load`, prepared before the run and checked after it.

    python -m tests.load.world prepare EDITORS > world.json
    python -m tests.load.world check world.json accepted.json

Both run where the application's database is reachable (DJANGO_SETTINGS_MODULE and
DATABASE_URL as for the application); they use the application's code only, so they
also run inside the production image.
"""

import json
import sys

ACTIVITIES, ROLES = 60, 10
PHASES = ["insight", "strategy", "build", "launch", "post_launch"]


def prepare(editors: int, listeners: int = 0) -> dict:
    """A fresh 60 x 10 matrix and `editors` editors already signed in (their session keys);
    with `listeners`, as many viewers signed in, one page each: one in twenty on the edited
    matrix, the others spread over nineteen more matrices of the same size."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.cached_db import SessionStore

    from raci import services as raci_services
    from raci.models import Activity, Cell, Column, Matrix
    from workspaces import services
    from workspaces.models import Membership, Role, Workspace

    User = get_user_model()
    Workspace.objects.filter(slug="workshop-load").delete()
    User.objects.filter(username__startswith="load-editor-").delete()
    owner = User.objects.create_user("load-editor-0", first_name="Editor 0")
    owner.set_unusable_password()
    owner.save()
    workspace = services.workspace_create(name="Workshop load", owner=owner)
    if workspace.slug != "workshop-load":
        workspace.slug = "workshop-load"
        workspace.save(update_fields=["slug"])
    users = [owner]
    for i in range(1, editors):
        user = User(username=f"load-editor-{i}", first_name=f"Editor {i}")
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users[1:])
    users = list(User.objects.filter(username__startswith="load-editor-").order_by("id"))
    Membership.objects.bulk_create([Membership(workspace=workspace, user=u, access="editor") for u in users[1:]])
    matrix = Matrix.objects.create(workspace=workspace, name="Workshop", slug="workshop", owner=owner)
    roles = [Role.objects.create(workspace=workspace, code=f"R{j}", name=f"Role {j}") for j in range(ROLES)]
    Column.objects.bulk_create([Column(matrix=matrix, role=r, order=j) for j, r in enumerate(roles)])
    activities = Activity.objects.bulk_create(
        [Activity(matrix=matrix, name=f"Activity {i}", phase=PHASES[i % 5], order=i) for i in range(ACTIVITIES)]
    )
    Cell.objects.bulk_create(
        [
            Cell(activity=a, role=r, value="AR" if j == i % ROLES else "CI"[(i + j) % 2], version=1)
            for i, a in enumerate(activities)
            for j, r in enumerate(roles)
            if (i + j) % 3
        ]
    )
    raci_services.matrix_recount(matrix)

    def signed_in(user) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    sessions = [signed_in(user) for user in users]
    listening = _listeners(workspace, matrix, roles, listeners, signed_in) if listeners else []
    return {
        "path": f"/w/{workspace.slug}/matrices/{matrix.slug}/",
        "matrix_id": matrix.pk,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "sessions": sessions,
        "cells": [[a.pk, r.pk] for a in activities for r in roles],
        "listeners": listening,
    }


def _listeners(workspace, matrix, roles, count: int, signed_in) -> list[dict]:
    """`count` viewers, each with the path of the matrix their page shows."""
    from django.contrib.auth import get_user_model

    from raci.models import Activity, Cell, Column, Matrix
    from workspaces.models import Membership

    User = get_user_model()
    others = []
    for n in range(1, 20):
        other = Matrix.objects.create(workspace=workspace, name=f"Other {n}", slug=f"other-{n}", owner=matrix.owner)
        Column.objects.bulk_create([Column(matrix=other, role=r, order=j) for j, r in enumerate(roles)])
        rows = Activity.objects.bulk_create(
            [Activity(matrix=other, name=f"Activity {i}", phase=PHASES[i % 5], order=i) for i in range(ACTIVITIES)]
        )
        Cell.objects.bulk_create(
            [
                Cell(activity=a, role=r, value="AR" if j == i % ROLES else "C", version=1)
                for i, a in enumerate(rows)
                for j, r in enumerate(roles)
                if j == i % ROLES or j == (i + 1) % ROLES
            ]
        )
        others.append(f"/w/{workspace.slug}/matrices/{other.slug}/")
    viewers = [User(username=f"load-editor-listener-{i}", first_name=f"Listener {i}") for i in range(count)]
    for viewer in viewers:
        viewer.set_unusable_password()
    User.objects.bulk_create(viewers)
    viewers = list(User.objects.filter(username__startswith="load-editor-listener-").order_by("id"))
    Membership.objects.bulk_create([Membership(workspace=workspace, user=u, access="viewer") for u in viewers])
    on_edited = max(1, -(-count // 20))
    edited = f"/w/{workspace.slug}/matrices/{matrix.slug}/"
    return [
        {"path": edited if i < on_edited else others[(i - on_edited) % len(others)], "session": signed_in(user)}
        for i, user in enumerate(viewers)
    ]


def check(world: dict, accepted: dict) -> list[str]:
    """What is wrong after the run: a cell that is not its last accepted write, a change
    in the history that nobody was told was accepted (or the other way round), finding
    counts that differ from a full check."""
    from raci.models import Cell, ChangeEvent, Matrix
    from raci.selectors import matrix_grid

    problems = []
    matrix = Matrix.objects.get(pk=world["matrix_id"])
    stored = {
        f"{a}-{r}": (value, version)
        for a, r, value, version in Cell.objects.filter(activity__matrix=matrix).values_list(
            "activity_id", "role_id", "value", "version"
        )
    }
    # An edit still unanswered when the run stopped may have been saved: it may stand in
    # for the last accepted write of its cell, and count once in the history.
    pending = {(key, version, value) for key, version, value in accepted.get("pending", [])}
    for key, (version, value) in accepted["last"].items():
        now = tuple(stored.get(key, ("", 0)))
        if now != (value, version) and (key, now[1], now[0]) not in pending:
            problems.append(f"cell {key}: stored {now}, last accepted write {(value, version)}")
    written = ChangeEvent.objects.filter(matrix=matrix, kind="cell").count()
    if not accepted["count"] <= written <= accepted["count"] + len(pending):
        problems.append(
            f"{written} cell changes recorded, {accepted['count']} edits answered as accepted "
            f"and {len(pending)} unanswered"
        )
    seqs = list(ChangeEvent.objects.filter(matrix=matrix).order_by("seq").values_list("seq", flat=True))
    if seqs != list(range(1, len(seqs) + 1)):
        problems.append("the change sequence has gaps")
    full = matrix_grid(matrix=matrix).counts
    if matrix.counts != full:
        problems.append(f"stored finding counts {matrix.counts}, a full check gives {full}")
    return problems


def main(argv: list[str]) -> int:
    import django

    django.setup()
    if argv[:1] == ["prepare"]:
        json.dump(prepare(int(argv[1]), int(argv[2]) if len(argv) > 2 else 0), sys.stdout)
        return 0
    if argv[:1] == ["check"]:
        with open(argv[1]) as w, open(argv[2]) as a:
            problems = check(json.load(w), json.load(a))
        for problem in problems:
            print(problem)
        print(
            f"after the run: {'OK' if not problems else f'{len(problems)} problems'} "
            "(every cell is its last accepted write, history matches, counts equal a full check)"
        )
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
