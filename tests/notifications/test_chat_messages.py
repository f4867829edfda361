"""The Slack and Teams messages of every kind of event, compared with their snapshots in
tests/notifications/snapshots/ (UPDATE_SNAPSHOTS=1 writes them again: read the diff)."""

import json
import os
from pathlib import Path

import pytest

from notifications.chat_formats import check_slack_message
from notifications.chat_messages import BURST_SHOWN, message_of, slack_payload, teams_payload
from notifications.models import NotificationKind
from tests.adaptive_cards import assert_valid_envelopes

SNAPSHOTS = Path(__file__).parent / "snapshots"
BASE = "https://lockstep.example.com/w/acme"
LAUNCH = {"launch": "Atlas 2.0", "cycle": "2026 Q4"}


def item(kind, title, *, body="", url="", actor="Ana Silva", data=None):
    return {
        "kind": kind,
        "key": f"{kind}:1",
        "title": title,
        "body": body,
        "url": url,
        "actor": actor,
        "data": data or {},
    }


# One event of each kind, as its emitter builds it (names and absolute links, never ids).
EVENTS = {
    "letters": item(
        "letters",
        "Ana Silva changed who does “Pricing page” in Launch matrix",
        body="PMM: R → A (Ana Silva)\nPM: A → C (Ana Silva)",
        url=f"{BASE}/m/launch-matrix/#row-12",
        data={
            "matrix": "Launch matrix",
            "activity": "Pricing page",
            "changes": ["PMM: R → A (Ana Silva)", "PM: A → C (Ana Silva)"],
            "findings_caused": ["“Pricing page” has no one Responsible (R)."],
            "findings_cleared": ["“Pricing page” has 2 Accountable roles; it needs exactly one."],
        },
    ),
    "item_assigned": item(
        "item_assigned", "Assigned to you: Press release for Atlas 2.0", url=f"{BASE}/l/4/#item-9", data=LAUNCH
    ),
    "item_due": item("item_due", "Due in 2 days: Sales deck", body="Due 9 Dec 2026.", url=f"{BASE}/l/4/", data=LAUNCH),
    "item_overdue": item(
        "item_overdue", "Overdue: Sales deck", body="Was due 1 Dec 2026 (Bo Chen).", url=f"{BASE}/l/4/", data=LAUNCH
    ),
    "launch_status": item(
        "launch_status", "Atlas 2.0 is at risk", body="Legal review slipped a week.", url=f"{BASE}/l/4/", data=LAUNCH
    ),
    "launch_tier": item(
        "launch_tier",
        "Atlas 2.0 is now Tier 1",
        body="Why: new pricing for every customer",
        url=f"{BASE}/l/4/",
        data={**LAUNCH, "tier": 1, "tier_name": "Tier 1", "reason": "New pricing for every customer"},
    ),
    "go_decision": item(
        "go_decision",
        "Go for Atlas 2.0",
        body="Ship on Tuesday.",
        url=f"{BASE}/l/4/",
        data={**LAUNCH, "decision": "go", "decision_label": "Go", "readiness": "Ready"},
    ),
    "decision_review": item(
        "decision_review",
        "Time to review a decision in Launch matrix: “PMM owns pricing”",
        body="Decided on 1 Jun 2026; review due 1 Dec 2026.\nWhy: pricing is positioning",
        url=f"{BASE}/m/launch-matrix/decisions/",
        actor="",
        data={"matrix": "Launch matrix", "decision": "PMM owns pricing"},
    ),
    "matrix_review": item(
        "matrix_review",
        "Launch matrix is due for review",
        body="Its review was due on 1 Dec 2026 (every 90 days).",
        url=f"{BASE}/m/launch-matrix/",
        actor="",
        data={"matrix": "Launch matrix"},
    ),
    "ritual_soon": item(
        "ritual_soon", "Launch sync meets tomorrow at 10:00", url=f"{BASE}/rituals/3/2026-12-08/", actor=""
    ),
    "readout_due": item("readout_due", "Atlas 2.0: record its day-30 readout", url=f"{BASE}/l/4/", data=LAUNCH),
    "workshop_invited": item(
        "workshop_invited",
        "You are invited to the workshop “Who owns onboarding”",
        url=f"{BASE}/m/launch-matrix/workshops/2/",
        data={"matrix": "Launch matrix", "workshop": "Who owns onboarding"},
    ),
    "workshop_revealed": item(
        "workshop_revealed",
        "The workshop “Who owns onboarding” reveals its proposals",
        url=f"{BASE}/m/launch-matrix/workshops/2/",
        data={"matrix": "Launch matrix", "workshop": "Who owns onboarding"},
    ),
    "role_unheld": item(
        "role_unheld",
        "2 readiness items of Atlas 2.0 wait for Legal, which nobody holds",
        url=f"{BASE}/l/4/",
        data=LAUNCH,
    ),
    "handover": item(
        "handover",
        "Atlas 2.0 is handed over to you for Launch",
        body="Note: the beta feedback is in the doc.",
        url=f"{BASE}/l/4/",
        data={**LAUNCH, "from": "Ana Silva", "to": "Bo Chen"},
    ),
    "baton_dropped": item(
        "baton_dropped", "The hand-over of Atlas 2.0 is not accepted in time", url=f"{BASE}/l/4/", data=LAUNCH
    ),
    "checkpoint": item(
        "checkpoint", "Bo Chen answered the joint checkpoint of Atlas 2.0", url=f"{BASE}/l/4/", data=LAUNCH
    ),
    "channel_stopped": item(
        "channel_stopped",
        "Lockstep stopped posting to #launches (Slack)",
        body="Slack answered 410 channel_is_archived.",
        url=f"{BASE}/channels/",
        actor="",
    ),
}


def test_every_kind_of_event_has_a_snapshot_case():
    assert set(EVENTS) == set(NotificationKind.values)


def _compare(name: str, payload: dict) -> None:
    path = SNAPSHOTS / f"{name}.json"
    text = json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1 and read it"
    assert json.loads(path.read_text()) == payload


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_each_kind_reads_as_its_snapshot_in_slack_and_teams(kind):
    message = message_of([EVENTS[kind]], workspace="Acme")
    _compare(f"{kind}.slack", slack_payload(message))
    _compare(f"{kind}.teams", teams_payload(message))


def test_every_teams_card_parses_with_adaptivecards_and_the_schema():
    assert_valid_envelopes([teams_payload(message_of([e], workspace="Acme")) for e in EVENTS.values()])


def test_a_burst_of_edits_to_one_matrix_is_one_message_listing_them():
    burst = [
        item(
            "letters",
            f"Edit {i}",
            url=f"{BASE}/m/launch-matrix/#row-{i}",
            data={"matrix": "Launch matrix", "activity": f"Activity {i}", "changes": [f"PM: — → R (Person {i})"]},
        )
        for i in range(3)
    ]
    message = message_of(burst, workspace="Acme")
    _compare("letters-burst.slack", slack_payload(message))
    _compare("letters-burst.teams", teams_payload(message))
    assert message.url == f"{BASE}/m/launch-matrix/"


def test_a_huge_burst_stays_within_slack_and_teams_limits_and_counts_what_it_leaves_out():
    burst = [
        item(
            "letters",
            "x",
            url=f"{BASE}/m/big/#row-{i}",
            data={
                "matrix": "Big",
                "activity": "A" * 190,
                "changes": [f"ROLE{j}: R → A ({'N' * 60})" for j in range(30)],
                "findings_caused": ["F" * 400] * 10,
            },
        )
        for i in range(300)
    ]
    message = message_of(burst, workspace="Acme", more=40)
    slack = check_slack_message(slack_payload(message))
    assert len(slack["blocks"]) <= 50
    assert "more: open Lockstep" in json.dumps(slack)
    teams = teams_payload(message)
    assert_valid_envelopes([teams])
    assert "340 ownership changes in Big" in json.dumps(teams)
    assert BURST_SHOWN < 300


def test_user_text_cannot_mention_the_channel_in_slack():
    evil = item("launch_status", "<!channel> ship it", body="<https://evil.example|click>", data=LAUNCH)
    payload = slack_payload(message_of([evil], workspace="Acme"))
    # Slack acts on mentions and links in mrkdwn and in the fallback text; plain_text shows them as typed.
    mrkdwn = [payload["text"]] + [
        obj["text"]
        for block in payload["blocks"]
        for obj in [block.get("text") or {}, *block.get("fields", []), *block.get("elements", [])]
        if obj.get("type") == "mrkdwn"
    ]
    assert mrkdwn and not any("<!channel>" in t or "<https://evil" in t for t in mrkdwn)
    assert payload["blocks"][0]["text"] == {"type": "plain_text", "text": "<!channel> ship it"}
