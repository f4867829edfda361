"""Checks every Adaptive Card a test makes, two ways: against the JSON schema of the subset
we send (`notifications.chat_formats.TEAMS_ENVELOPE_SCHEMA`) and parsed by Microsoft's
`adaptivecards` package in Node (vendored in tests/vendor/adaptivecards, no download)."""

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema_rs

from notifications.chat_formats import TEAMS_ENVELOPE_SCHEMA, teams_problems

SCRIPT = Path(__file__).parent / "vendor" / "adaptivecards" / "parse_cards.js"
_VALIDATOR = jsonschema_rs.validator_for(TEAMS_ENVELOPE_SCHEMA)


def node_problems(cards: list[dict]) -> list[list[str]]:
    """For each card, what the adaptivecards package reports when it parses it."""
    node = shutil.which("node")
    assert node, "Node.js is needed to parse Adaptive Cards"
    done = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps(cards), capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


def schema_problems(envelope: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in _VALIDATOR.iter_errors(envelope)]


def assert_valid_envelopes(envelopes: list[dict]) -> None:
    """Fails with every problem of every envelope: our own checks, the schema, the parser."""
    problems = {}
    for i, envelope in enumerate(envelopes):
        found = teams_problems(envelope) + schema_problems(envelope)
        if found:
            problems[i] = found
    cards = [e["attachments"][0]["content"] for e in envelopes]
    for i, found in enumerate(node_problems(cards)):
        if found:
            problems.setdefault(i, []).extend(found)
    assert not problems, problems
