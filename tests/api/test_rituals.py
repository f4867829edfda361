"""Rituals and meetings from a script: read them, write a meeting's notes without
overwriting someone else's."""

from datetime import timedelta

import pytest

from rituals.models import Occurrence

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    return shared_world


def _ws(world):
    return f"/api/v1/w/{world['ws'].slug}"


def test_the_rituals_read_with_their_agenda_and_next_meetings(api, world):
    secret = world["tokens"][("viewer", "read")]
    listed = api.call("get", f"{_ws(world)}/rituals", secret).json()
    assert world["ritual"].pk in {r["id"] for r in listed}
    ritual = api.call("get", f"{_ws(world)}/rituals/{world['ritual'].pk}", secret).json()
    assert [s["title"] for s in ritual["agenda"]] == [s.title for s in world["ritual"].sections]
    assert ritual["coming"][0]["date"] == world["meeting_day"].isoformat() == ritual["next_on"]


def test_a_meetings_notes_are_written_per_section_and_a_stale_write_is_refused(api, world, client):
    url = f"{_ws(world)}/rituals/{world['ritual'].pk}/meetings/{world['meeting_day'].isoformat()}"
    secret = world["tokens"][("editor", "write")]
    read = api.call("get", url, secret)
    sections = read.json()["notes"]
    texts = [f"Notes on {s['title']}" for s in sections]
    saved = api.call("put", f"{url}/notes", secret, {"texts": texts}, if_match=read["ETag"])
    assert saved.status_code == 200, saved.content
    assert [n["text"] for n in saved.json()["notes"]] == texts
    stale = api.call("put", f"{url}/notes", secret, {"texts": ["Mine"] * len(texts)}, if_match=read["ETag"])
    assert stale.status_code == 412
    assert Occurrence.objects.get(ritual=world["ritual"], date=world["meeting_day"]).notes[0]["text"] == texts[0]
    wrong = api.call("put", f"{url}/notes", secret, {"texts": ["One"] * (len(texts) + 1)})
    assert wrong.status_code == 422
    client.force_login(world["viewer"].user)
    page = client.get(
        f"/w/{world['ws'].slug}/rituals/{world['ritual'].pk}/{world['meeting_day'].isoformat()}/"
    ).content.decode()
    assert texts[0] in page


def test_a_day_the_ritual_does_not_meet_is_not_found(api, world):
    ritual = world["ritual"]
    day = next(
        world["meeting_day"] + timedelta(days=n)
        for n in range(1, 40)
        if not ritual.series.is_on(world["meeting_day"] + timedelta(days=n))
    )
    url = f"{_ws(world)}/rituals/{ritual.pk}/meetings/{day.isoformat()}"
    answer = api.call("get", url, world["tokens"][("viewer", "read")])
    assert answer.status_code == 404 and answer["Content-Type"] == "application/problem+json"
    written = api.call("put", f"{url}/notes", world["tokens"][("editor", "write")], {"texts": ["x"]})
    assert written.status_code == 404
