"""What one open page's stream sends, and when (raci.stream.Stream), without a server."""

import json

from raci.stream import COALESCE_SECONDS, GRACE_SECONDS, Stream


def cell(seq, activity=1, role=2, value="R", actor=9, moved=True, n=(10, 5)):
    return {
        "kind": "cell",
        "seq": seq,
        "a": activity,
        "r": role,
        "v": value,
        "ver": seq,
        "rb": f'<span id="rb-{activity}">{seq}</span>',
        "cb": "",
        "counts": f'<div id="finding-counts">{seq}</div>',
        "actor": actor,
        "n": list(n),
        "moved": moved,
    }


def events(text):
    found = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n"))
        found.append((fields.get("id"), fields["event"], json.loads(fields["data"])))
    return found


def stream(**kwargs):
    return Stream(matrix_id=1, person_id=7, editable=False, sent=10, **kwargs)


def test_edits_between_two_messages_are_one_event_with_the_newest_state_and_the_last_number():
    one = stream()
    one.last_sent_at = 100.0
    for seq, value in ((11, "R"), (12, "A"), (13, "C")):
        one.take(cell(seq, value=value))
    assert one.due_in(100.05) > 0  # not within a tenth of a second of the last message
    assert one.due_in(100.0 + COALESCE_SECONDS) == 0
    [(id_, kind, data)] = events(one.flush(100.2))
    assert (id_, kind) == ("13", "cells")
    assert data["cells"] == [{"activity": 1, "role": 2, "value": "C", "version": 13, "remote": True}]
    assert {b["id"]: b["html"] for b in data["badges"]}["finding-counts"].endswith(">13</div>")
    assert one.sent == 13 and one.flush(100.4) == ""


def test_a_change_already_sent_or_older_is_dropped():
    one = stream()
    one.take(cell(9))
    one.take(cell(10))
    assert not one.pending


def test_a_change_known_only_by_number_waits_briefly_for_its_cell_then_is_fetched():
    one = stream()
    one.take({"kind": "changed", "seq": 11})
    started = one.pending_since
    assert one.due_in(started) > 0
    one.take(cell(11))  # the grid's edit publishes its cell right after
    assert one.due_in(started) == 0
    assert events(one.flush(started))[0][1] == "cells"
    one.take({"kind": "changed", "seq": 12})
    later = max(one.pending_since + GRACE_SECONDS, one.last_sent_at + COALESCE_SECONDS)
    assert one.due_in(later) == 0
    assert events(one.flush(later)) == [(None, "structure", {"seq": 12})]


def test_a_gap_in_the_numbers_is_fetched_the_polling_way():
    one = stream()
    one.take(cell(11))
    one.take(cell(13))
    assert events(one.flush(5.0))[0][1:] == ("structure", {"seq": 13})


def test_a_paged_matrix_or_a_filtered_view_fetches_instead_of_patching_cells():
    paged = stream()
    paged.take(cell(11, n=(3000, 30)))
    assert events(paged.flush(1.0))[0][1] == "structure"
    filtered = stream(cells_shown=False)
    filtered.take(cell(11))
    assert events(filtered.flush(1.0))[0][1] == "structure"


def test_the_readers_own_edit_comes_back_without_the_flash_of_someone_elses():
    one = stream()
    one.take(cell(11, actor=7))
    assert events(one.flush(1.0))[0][2]["cells"][0]["remote"] is False


def test_the_panel_is_sent_once_per_build_newer_than_the_last():
    one = stream()
    one.take_panel(12, "<section>")
    assert events(one.flush(1.0)) == [(None, "panel", {"seq": 12, "html": "<section>"})]
    one.take_panel(12, "<section>")
    assert one.panel is None


def test_an_access_change_reloads_the_page_and_ends_the_stream():
    one = stream()
    one.take({"kind": "access", "workspace": 3})
    assert one.due_in(0) == 0 and events(one.flush(0)) == [(None, "reload", {})]
    lost = stream()
    lost.take({"kind": "lost"})
    assert lost.closing and lost.flush(0) == ""
