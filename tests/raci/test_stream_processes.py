"""Streams at the size of a company: several processes on one database and Redis, and many
open streams that hold no database connection."""

import json
import os
import re
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from raci.models import Cell
from tests.factories import MembershipFactory, build_matrix
from tests.raci.test_views_stream import edit, last_seq, open_stream
from tests.streaming import session_cookie, stream_process

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pushing")]


def database_connections(server) -> int:
    """Connections open to the test database: all of them on PostgreSQL (this process's
    own included), else the server process's handles on the SQLite file."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cursor.fetchone()[0]
    name = os.path.realpath(connection.settings_dict["NAME"])
    fds = Path(f"/proc/{server.pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.path.realpath(fd).startswith(name))


def test_two_hundred_open_streams_leave_the_database_connections_flat(tmp_path):
    editor = MembershipFactory(access="editor")
    viewer = MembershipFactory(workspace=editor.workspace, access="viewer")
    matrix, acts, roles = build_matrix(editor.workspace, activities=4, roles=3)
    with stream_process(tmp_path / "uvicorn.log", PUSH_STREAMS_PER_PERSON="500") as base:
        first = open_stream(base, matrix, viewer)  # the process is warm: its pool threads exist
        before = database_connections(base)
        readers = [first] + [open_stream(base, matrix, viewer) for _ in range(199)]
        try:
            during = database_connections(base)
            edit(editor, matrix, acts[0], roles[1], "I")
            seq = last_seq(matrix)
            for reader in readers[::20]:  # every stream is live: a sample of them gets it
                event = reader.next(skip=("ping", "panel"))
                assert event.event == "cells" and int(event.id) == seq
            after = database_connections(base)
        finally:
            for reader in readers:
                reader.close()
    assert during <= before + 2 and after <= before + 2, (before, during, after)


def test_an_edit_through_one_process_reaches_a_page_streaming_from_another(tmp_path):
    editor = MembershipFactory(access="editor")
    viewer = MembershipFactory(workspace=editor.workspace, access="viewer")
    matrix, acts, roles = build_matrix(editor.workspace, activities=4, roles=3)
    with (
        stream_process(tmp_path / "a.log") as first,
        stream_process(tmp_path / "b.log") as second,
    ):
        reader = open_stream(first, matrix, viewer)
        try:
            cookie = session_cookie(Client(), editor.user)
            page_url = second + reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])
            with urllib.request.urlopen(urllib.request.Request(page_url, headers={"Cookie": cookie})) as page:
                html = page.read().decode()
                csrf = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", "")).group(1)
            token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
            version = Cell.objects.get(activity=acts[1], role=roles[2]).version
            cell_url = second + reverse("raci:cell", args=[matrix.workspace.slug, matrix.slug, acts[1].pk, roles[2].pk])
            request = urllib.request.Request(
                cell_url,
                data=f"value=R&version={version}".encode(),
                headers={
                    "Cookie": f"{cookie}; csrftoken={csrf}",
                    "X-CSRFToken": token,
                    "HX-Request": "true",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            with urllib.request.urlopen(request) as answer:
                assert answer.status == 200
            event = reader.next(skip=("ping", "panel"))
            assert event.event == "cells" and int(event.id) == last_seq(matrix)
            assert json.loads(event.data)["cells"][0] == {
                "activity": acts[1].pk,
                "role": roles[2].pk,
                "value": "R",
                "version": version + 1,
                "remote": True,
            }
        finally:
            reader.close()
