"""The matrix's stream of changes, served by a real stream process (uvicorn) on the test
database and Redis: what each open page is sent, to whom, and what it never gets."""

import json
import time

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from raci import services
from raci.models import Cell
from tests.factories import MembershipFactory, build_matrix
from tests.streaming import EventReader, session_cookie, stream_process
from workspaces import services as workspace_services
from workspaces.sessions import METHODS_KEY, METHODS_USER_KEY

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pushing")]
HX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def streams(django_db_setup, tmp_path_factory):
    """One stream process for the module, with a short heartbeat."""
    with stream_process(
        tmp_path_factory.mktemp("uvicorn") / "uvicorn.log", PUSH_HEARTBEAT_SECONDS="1", PUSH_STREAMS_PER_PERSON="3"
    ) as base:
        yield base


@pytest.fixture
def room(db):
    editor = MembershipFactory(access="editor")
    viewer = MembershipFactory(workspace=editor.workspace, access="viewer")
    admin = MembershipFactory(workspace=editor.workspace, access="admin")
    matrix, acts, roles = build_matrix(editor.workspace, activities=6, roles=4)
    return editor, viewer, admin, matrix, acts, roles


def stream_path(matrix, since=None) -> str:
    path = reverse("raci:stream", args=[matrix.workspace.slug, matrix.slug]) + "?page=1"
    return path + (f"&since={since}" if since is not None else "")


def open_stream(base, matrix, member, *, last_event_id=None, since=None) -> EventReader:
    reader = EventReader(
        base, stream_path(matrix, since), cookie=session_cookie(Client(), member.user), last_event_id=last_event_id
    )
    assert reader.status == 200, reader.headers
    assert reader.headers["content-type"].startswith("text/event-stream")
    assert reader.next().event == "open"
    return reader


def edit(member, matrix, activity, role, value) -> None:
    """An edit made on the grid (the htmx answer that feeds the live feed)."""
    client = Client()
    client.force_login(member.user)
    version = Cell.objects.filter(activity=activity, role=role).values_list("version", flat=True).first() or 0
    url = reverse("raci:cell", args=[matrix.workspace.slug, matrix.slug, activity.pk, role.pk])
    response = client.post(url, {"value": value, "version": version}, headers=HX)
    assert response.status_code == 200, response.content


def last_seq(matrix) -> int:
    matrix.refresh_from_db()
    return matrix.last_seq


def cells_until(reader, seq, timeout=5.0) -> list[dict]:
    """The cells of every `cells` event up to the one with id `seq`."""
    got, deadline = [], time.monotonic() + timeout
    while True:
        event = reader.next(max(deadline - time.monotonic(), 0.01), skip=("ping", "panel"))
        assert event.event == "cells", event
        got.extend(json.loads(event.data)["cells"])
        if int(event.id) >= seq:
            return got


def test_under_wsgi_the_stream_refuses_and_the_page_polls(client, room, settings):
    editor, _, _, matrix, _, _ = room
    client.force_login(editor.user)
    response = client.get(stream_path(matrix))
    assert response.status_code == 409
    assert response["X-Lockstep-Push"] == "off"
    page = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])).content.decode()
    assert 'data-stream="' + stream_path(matrix).replace("&", "&amp;") in page and 'hx-trigger="every' in page


def test_without_redis_the_page_names_no_stream(client, room, settings):
    editor, _, _, matrix, _, _ = room
    settings.PUSH_REDIS_URL = ""
    client.force_login(editor.user)
    page = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])).content.decode()
    assert "data-stream" not in page and 'hx-trigger="every' in page


def test_an_edit_reaches_an_open_stream_as_the_cell_its_badges_and_counts(streams, room):
    editor, viewer, _, matrix, acts, roles = room
    reader = open_stream(streams, matrix, viewer)
    try:
        edit(editor, matrix, acts[0], roles[1], "A")
        event = reader.next()
        assert event.event == "cells" and int(event.id) == last_seq(matrix)
        data = json.loads(event.data)
        assert data["cells"] == [
            {"activity": acts[0].pk, "role": roles[1].pk, "value": "A", "version": 2, "remote": True}
        ]
        ids = {badge["id"] for badge in data["badges"]}
        assert {f"rb-{acts[0].pk}", f"cb-{roles[1].pk}", "finding-counts"} <= ids
        # The row now has two A's: its findings moved, so the panel follows, once.
        panel = reader.next(skip=("ping",))
        assert panel.event == "panel" and "multiple-accountable" in json.loads(panel.data)["html"]
    finally:
        reader.close()


def test_a_burst_of_edits_arrives_whole_ending_at_the_last_change(streams, room):
    editor, viewer, _, matrix, acts, roles = room
    reader = open_stream(streams, matrix, viewer)
    try:
        for i in range(6):
            edit(editor, matrix, acts[i], roles[3], "I" if i % 4 != 3 else "C")
        cells = cells_until(reader, last_seq(matrix))
        assert {(c["activity"], c["value"]) for c in cells} == {
            (acts[i].pk, "I" if i % 4 != 3 else "C") for i in range(6)
        }
    finally:
        reader.close()


def test_a_change_other_than_a_cell_edit_asks_the_page_to_fetch_it(streams, room):
    editor, viewer, _, matrix, acts, roles = room
    reader = open_stream(streams, matrix, viewer)
    try:
        services.activity_add(matrix=matrix, name="Launch review", phase="launch", actor=editor.user)
        event = reader.next(skip=("ping", "panel"))
        assert event.event == "structure" and json.loads(event.data)["seq"] == last_seq(matrix)
    finally:
        reader.close()


def test_reconnecting_with_last_event_id_gets_what_it_missed_once(streams, room):
    editor, viewer, _, matrix, acts, roles = room
    reader = open_stream(streams, matrix, viewer)
    edit(editor, matrix, acts[0], roles[2], "I")
    first = reader.next(skip=("ping", "panel"))
    reader.close()
    edit(editor, matrix, acts[1], roles[2], "I")
    edit(editor, matrix, acts[2], roles[2], "I")
    missed_upto = last_seq(matrix)
    again = open_stream(streams, matrix, viewer, last_event_id=first.id)
    try:
        resumed = again.next(skip=("ping", "panel"))
        if resumed.event == "cells":  # the feed still holds them (a shared cache)
            cells = json.loads(resumed.data)["cells"]
            assert sorted(c["activity"] for c in cells) == [acts[1].pk, acts[2].pk]
        else:  # else the page fetches them from the change log
            assert resumed.event == "structure"
            assert json.loads(resumed.data)["seq"] == missed_upto
        edit(editor, matrix, acts[3], roles[2], "I")
        after = cells_until(again, last_seq(matrix))
        assert [c["activity"] for c in after] == [acts[3].pk]  # nothing sent twice
    finally:
        again.close()


def test_a_removed_member_stream_closes_within_seconds_and_does_not_open_again(streams, room):
    editor, viewer, admin, matrix, acts, roles = room
    reader = open_stream(streams, matrix, viewer)
    try:
        workspace_services.membership_remove(membership=viewer, handover={}, actor=admin.user)
        started = time.monotonic()
        event = reader.next(skip=("ping", "panel"))
        assert event.event == "reload"
        assert reader.ended(5) and time.monotonic() - started < 5
        edit(editor, matrix, acts[0], roles[1], "A")
    finally:
        reader.close()
    refused = EventReader(streams, stream_path(matrix), cookie=session_cookie(Client(), viewer.user))
    assert refused.status == 404
    refused.close()


def test_a_demoted_editor_stream_is_closed_to_reopen_as_a_viewer(streams, room):
    editor, _, admin, matrix, acts, roles = room
    reader = open_stream(streams, matrix, editor)
    try:
        workspace_services.member_update(workspace=matrix.workspace, membership_id=editor.pk, access="viewer")
        assert reader.next(skip=("ping", "panel")).event == "reload"
    finally:
        reader.close()


def test_a_viewer_never_receives_an_editor_control(streams, room):
    editor, viewer, _, matrix, acts, roles = room
    as_viewer, as_editor = open_stream(streams, matrix, viewer), open_stream(streams, matrix, editor)
    try:
        edit(editor, matrix, acts[0], roles[1], "A")  # two A's: a finding with a fix
        seen = {}
        for name, reader in (("viewer", as_viewer), ("editor", as_editor)):
            events = [reader.next(skip=("ping",)) for _ in range(2)]
            seen[name] = "".join(e.data for e in events)
            assert {e.event for e in events} == {"cells", "panel"}
        # No form, no button, and no cell markup at all (an editor's cell is a link): cells
        # travel as letters and versions, applied to the markup the page already has.
        for control in ("<form", "<button", "hx-post", "data-v=", "fix-buttons"):
            assert control not in seen["viewer"], control
        assert "fix-buttons" in seen["editor"]  # the editor's panel offers the fixes
    finally:
        as_viewer.close()
        as_editor.close()


def test_no_event_of_another_workspace_reaches_a_stream(streams, room):
    editor, _, _, matrix, acts, roles = room
    outsider = MembershipFactory(access="admin")
    theirs, _, _ = build_matrix(outsider.workspace, activities=3, roles=3, name="Theirs")
    reader = open_stream(streams, theirs, outsider)
    try:
        refused = EventReader(streams, stream_path(matrix), cookie=session_cookie(Client(), outsider.user))
        assert refused.status == 404
        refused.close()
        for i in range(3):
            edit(editor, matrix, acts[i], roles[0], "C")
        services.activity_add(matrix=matrix, name="Elsewhere", phase="launch", actor=editor.user)
        with pytest.raises(TimeoutError):
            reader.next(2)
    finally:
        reader.close()


def test_one_person_has_at_most_the_cap_of_open_streams(streams, room):
    _, viewer, _, matrix, _, _ = room
    readers = [open_stream(streams, matrix, viewer) for _ in range(3)]
    try:
        refused = EventReader(streams, stream_path(matrix), cookie=session_cookie(Client(), viewer.user))
        assert refused.status == 429 and refused.headers["x-lockstep-push"] == "off"
        refused.close()
    finally:
        for reader in readers:
            reader.close()
    time.sleep(0.5)
    again = open_stream(streams, matrix, viewer)  # closed streams stop counting
    again.close()


def test_a_quiet_stream_sends_heartbeats(streams, room):
    _, viewer, _, matrix, _, _ = room
    reader = open_stream(streams, matrix, viewer)
    try:
        assert reader.next(3, skip=()).event == "ping"
    finally:
        reader.close()


def test_a_stream_asked_for_without_a_session_is_refused(streams, room):
    _, _, _, matrix, _, _ = room
    refused = EventReader(streams, stream_path(matrix))
    try:
        assert refused.status == 403
        assert refused.headers["content-type"].startswith("text/plain")
    finally:
        refused.close()


def test_a_stream_of_an_sso_session_reloads_when_the_session_s_cap_ends(streams, room, settings):
    """The cap (SSO_SESSION_HOURS after the last SSO sign-in) is read from the session as the
    stream opens; the stream ends there with `reload`, and the page's reload is signed out."""
    _, viewer, _, matrix, _, _ = room
    client = Client()
    client.force_login(viewer.user)
    session = client.session
    session[METHODS_USER_KEY] = str(viewer.user.pk)
    signed_in_at = time.time() - settings.SSO_SESSION_HOURS * 3600 + 1.5  # the cap ends in 1.5 s
    session[METHODS_KEY] = [{"method": "socialaccount", "at": signed_in_at, "provider": "acme", "uid": "1"}]
    session.save()
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={session.session_key}"
    reader = EventReader(streams, stream_path(matrix), cookie=cookie)
    try:
        assert reader.status == 200 and reader.next().event == "open"
        assert reader.next(5, skip=("ping", "panel")).event == "reload"
        assert time.time() >= signed_in_at + settings.SSO_SESSION_HOURS * 3600
        assert reader.ended(2)
    finally:
        reader.close()
    again = EventReader(streams, stream_path(matrix), cookie=cookie)
    try:
        # The cap signs the person out and sends them to sign in again.
        assert again.status == 302 and again.headers["location"].startswith(reverse("login"))
    finally:
        again.close()


def test_a_deleted_matrix_stream_is_404(streams, room):
    editor, _, _, matrix, _, _ = room
    matrix.delete()
    refused = EventReader(streams, stream_path(matrix), cookie=session_cookie(Client(), editor.user))
    try:
        assert refused.status == 404
    finally:
        refused.close()
