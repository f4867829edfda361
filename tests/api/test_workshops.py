"""Workshops from a script, blind until the reveal: a participant's token reads their own
letters and counts, never another's; the facilitator reveals and settles into the matrix."""

import json

import pytest

from raci import selectors as raci_selectors
from raci.models import ChangeEvent
from tests.api.conftest import token_for
from tests.factories import MembershipFactory
from workspaces.models import Access

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    return shared_world


def _url(world, tail=""):
    ws, m, w = world["ws"].slug, world["matrix"].slug, world["workshop"].pk
    return f"/api/v1/w/{ws}/matrices/{m}/workshops/{w}{tail}"


def _cells(world, n=3):
    grid = raci_selectors.matrix_grid(matrix=world["matrix"], check=False)
    return [(a.id, c.role_id) for a in grid.activities[:n] for c in grid.columns[:2]]


def _propose(api, world, who, value, cells):
    secret = world["tokens"][(who, "write")]
    for a, r in cells:
        answer = api.call("put", _url(world, f"/proposals/{a}/{r}"), secret, {"value": value})
        assert answer.status_code == 200, answer.content


def test_before_the_reveal_no_token_reads_another_participants_letters(api, world):
    cells = _cells(world)
    _propose(api, world, "viewer", "C", cells)
    _propose(api, world, "editor", "A", cells)  # the facilitator
    _propose(api, world, "admin", "I", cells)
    for who, own in (("viewer", "C"), ("editor", "A"), ("admin", "I")):
        read = api.call("get", _url(world), world["tokens"][(who, "read")])
        assert read.status_code == 200
        body = read.json()
        assert body["board"] is None
        assert {(p["activity_id"], p["role_id"], p["value"]) for p in body["mine"]} == {(a, r, own) for a, r in cells}
        counts = {p["member_id"]: p["cells"] for p in body["progress"]["people"]}
        assert counts[world["viewer"].pk] == counts[world["editor"].pk] == counts[world["admin"].pk] == len(cells)
        others = {"C", "A", "I"} - {own}
        text = json.dumps({k: v for k, v in body.items() if k != "mine"})
        assert not any(f'"value": "{letter}"' in text for letter in others), who
    listed = api.call("get", _url(world).rsplit("/", 1)[0], world["tokens"][("viewer", "read")])
    assert all(set(w) == {"id", "title", "status", "facilitator", "version", "url"} for w in listed.json())
    # No other operation reads proposals: the matrix's cells are the matrix's own.
    matrix = api.call(
        "get", f"/api/v1/w/{world['ws'].slug}/matrices/{world['matrix'].slug}", world["tokens"][("viewer", "read")]
    ).json()
    letters = {(c["activity_id"], c["role_id"]): c["value"] for c in matrix["cells"]}
    assert all(letters.get(cell) != "I" for cell in cells)


def test_only_invited_members_propose_and_only_the_facilitator_or_an_admin_reveals(api, world):
    a, r = _cells(world, 1)[0]
    stranger = token_for(MembershipFactory(workspace=world["ws"], access=Access.EDITOR))
    assert api.call("put", _url(world, f"/proposals/{a}/{r}"), stranger, {"value": "R"}).status_code == 403
    assert api.call("get", _url(world), stranger).json()["participant"] is False
    read_only = api.call("put", _url(world, f"/proposals/{a}/{r}"), world["tokens"][("viewer", "read")], {"value": "R"})
    assert read_only.status_code == 403
    assert api.call("post", _url(world, "/reveal"), world["tokens"][("viewer", "write")]).status_code == 403
    assert api.call("post", _url(world, "/reveal"), stranger).status_code == 403
    early = api.call(
        "post",
        _url(world, f"/settle/{a}"),
        world["tokens"][("editor", "write")],
        {"letters": [{"role_id": r, "value": "A"}], "since": world["matrix"].last_seq},
    )
    assert early.status_code == 409 and "not revealed" in early.json()["detail"]


def test_the_reveal_shows_the_spread_and_a_settled_row_is_recorded_in_the_matrix_with_the_token(api, world):
    cells = _cells(world, 1)
    _propose(api, world, "viewer", "A", cells[:1])
    _propose(api, world, "admin", "A", cells[:1])
    _propose(api, world, "editor", "C", cells[:1])
    revealed = api.call("post", _url(world, "/reveal"), world["tokens"][("editor", "write")])
    assert revealed.status_code == 200, revealed.content
    board = revealed.json()["board"]
    a, r = cells[0]
    cell = next(c for row in board if row["activity_id"] == a for c in row["cells"] if c["role_id"] == r)
    assert cell["spread"] == [{"value": "A", "count": 2}, {"value": "C", "count": 1}]
    assert cell["room_answer"] == "A"
    late = api.call("put", _url(world, f"/proposals/{a}/{r}"), world["tokens"][("viewer", "write")], {"value": "R"})
    assert late.status_code == 409
    settled = api.call(
        "post",
        _url(world, f"/settle/{a}"),
        world["tokens"][("editor", "write")],
        {"letters": [{"role_id": r, "value": "A"}], "since": revealed.json()["since"]},
    )
    assert settled.status_code == 200, settled.content
    assert settled.json()["agreed"] == 2 and settled.json()["total"] == 3
    event = ChangeEvent.objects.filter(matrix=world["matrix"], group=settled.json()["group"]).first()
    assert event.actor == world["editor"].user and event.via == "API (editor write)"
    assert "2 of 3 agreed" in event.group_label
