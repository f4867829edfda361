"""The Slack slash command: signed as Slack signs it, answered privately from the asking
workspace's matrix, refused alike whenever the signature is not right."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from chat.models import AskedCount, ChatSetup
from chat.views import NOT_SIGNED
from notifications import chat_formats as formats
from raci.models import Activity
from tests.chat.conftest import OTHER_SLACK_SECRET, slack_ask, slack_body, slack_headers


def _text(response) -> str:
    """Everything the answer shows, blocks and all."""
    assert response.status_code == 200, response.content
    message = response.json()
    assert not formats.slack_problems(message)
    assert message["response_type"] == "ephemeral"
    return str(message)


def test_a_signed_question_is_answered_privately_with_the_accountable_and_responsible_roles(client, acme):
    response = slack_ask(client, acme, "who owns Pricing & Packaging")
    message = response.json()
    shown = _text(response)
    assert message["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Pricing & Packaging"}}
    assert "Accountable (A)" in shown and "Responsible (R)" in shown and "PMM" in shown
    assert "Open the row" in shown and f"/w/{acme.slug}/matrices/" in shown and "#row-" in shown


@pytest.mark.parametrize(
    "asked",
    [
        "pricing & packaging",
        "  PRICING   &   packaging  ",
        "who's accountable for pricing and packaging?",
        "who owns pricng",
    ],
    ids=["cased", "spaced", "worded", "misspelled"],
)
def test_the_activity_is_found_forgiving_case_spaces_and_typos(client, acme, asked):
    assert "Pricing & Packaging" in _text(slack_ask(client, acme, asked))


def test_several_matching_activities_give_a_short_pick_list(client, acme):
    shown = _text(slack_ask(client, acme, "who owns launch"))
    assert "Several activities" in shown
    assert "Launch Readiness" in shown and "Launch Content, Channels &amp; PR" in shown


def test_an_unknown_activity_says_did_you_mean(client, acme):
    shown = _text(slack_ask(client, acme, "who owns positoning and mesaging stuff"))
    assert "No activity" in shown and "Did you mean" in shown and "Positioning &amp; Messaging" in shown


def test_a_finding_on_the_row_is_shown(client, acme):
    shown = _text(slack_ask(client, acme, "who owns naming"))  # the demo's two accountable roles
    assert "Findings" in shown and "accountable" in shown.lower()


def test_a_named_matrix_answers_instead_of_the_default(client, acme):
    from raci import services
    from raci.models import Matrix

    default = Matrix.objects.get(workspace=acme, is_default=True)
    other = services.matrix_create(workspace=acme, name="Launch matrix", actor=default.owner)
    services.activity_add(matrix=other, name="Pricing page copy", actor=default.owner)
    shown = _text(slack_ask(client, acme, "who owns pricing in launch matrix"))
    assert "Pricing page copy" in shown and "Launch matrix" in shown


def test_a_named_launch_answers_with_its_readiness_owners(client, acme):
    shown = _text(slack_ask(client, acme, "who owns pricing for Dark mode"))
    assert "Dark mode: readiness owners" in shown and "Pricing" in shown and "PMM" in shown
    assert "Open the launch" in shown


def test_a_launch_named_alone_lists_its_whole_checklist(client, acme):
    shown = _text(slack_ask(client, acme, "who owns what for the sso for teams launch"))
    assert "SSO for teams: readiness owners" in shown


def test_help_says_what_can_be_asked(client, acme):
    assert "who owns pricing" in _text(slack_ask(client, acme, "help"))


def test_a_channel_not_listed_is_told_so_and_gets_no_answer(client, acme):
    ChatSetup.objects.filter(workspace=acme).update(channels="launches\nc0pricing")
    refused = _text(slack_ask(client, acme, "who owns naming", channel_id="C0RANDOM", channel_name="random"))
    assert "does not answer in this channel" in refused and "Naming" not in refused
    assert "Naming" in _text(slack_ask(client, acme, "who owns naming", channel_id="C0PRICING", channel_name="x"))


# --- signatures ---------------------------------------------------------------------------------


def _refused(response):
    assert response.status_code == 401
    assert response.content.decode() == NOT_SIGNED


def test_a_wrong_signature_is_refused(client, acme):
    body = slack_body("who owns naming")
    headers = slack_headers(body)
    headers["X-Slack-Signature"] = headers["X-Slack-Signature"][:-1] + (
        "0" if headers["X-Slack-Signature"][-1] != "0" else "1"
    )
    _refused(slack_ask(client, acme, "who owns naming", headers=headers))


def test_a_stale_request_is_refused_even_when_signed(client, acme):
    body = slack_body("who owns naming")
    _refused(
        client.post(
            reverse("chat:slack", args=[acme.slug]),
            body,
            content_type="application/x-www-form-urlencoded",
            headers=slack_headers(body, timestamp=int(time.time()) - 301),
        )
    )


def test_a_replayed_request_is_refused(client, acme):
    body = slack_body("who owns naming")
    headers = slack_headers(body)
    url = reverse("chat:slack", args=[acme.slug])
    assert client.post(url, body, content_type="application/x-www-form-urlencoded", headers=headers).status_code == 200
    _refused(client.post(url, body, content_type="application/x-www-form-urlencoded", headers=headers))


@pytest.mark.parametrize("missing", ["X-Slack-Signature", "X-Slack-Request-Timestamp"])
def test_a_request_without_its_signature_is_refused(client, acme, missing):
    body = slack_body("who owns naming")
    headers = slack_headers(body)
    del headers[missing]
    _refused(slack_ask(client, acme, "who owns naming", headers=headers))


def test_another_workspaces_secret_is_refused_exactly_as_an_unknown_workspace(client, acme, elsewhere):
    signed_elsewhere = slack_ask(client, acme, "who owns pricing", secret=OTHER_SLACK_SECRET)
    _refused(signed_elsewhere)
    body = slack_body("who owns pricing")
    unknown = client.post(
        reverse("chat:slack", args=["no-such-workspace"]),
        body,
        content_type="application/x-www-form-urlencoded",
        headers=slack_headers(body),
    )
    _refused(unknown)
    assert acme.name not in signed_elsewhere.content.decode()


def test_a_workspace_without_a_slack_secret_refuses_every_request(client, acme):
    ChatSetup.objects.filter(workspace=acme).update(slack_signing_secret="")
    _refused(slack_ask(client, acme, "who owns naming"))


def test_no_answer_shows_another_workspaces_data(client, acme, elsewhere):
    shown = _text(slack_ask(client, acme, "who owns pricing of the secret project"))
    assert "secret project" not in shown.replace("“pricing of the secret project”", "")
    assert "Hidden matrix" not in _text(slack_ask(client, acme, "who owns pricing in hidden matrix"))
    # And the other way: its own secret answers from its own matrix only.
    theirs = _text(slack_ask(client, elsewhere, "who owns pricing", secret=OTHER_SLACK_SECRET))
    assert "Pricing of the secret project" in theirs and "Pricing &amp; Packaging" not in theirs


# --- counting and limits ------------------------------------------------------------------------


def test_each_question_that_finds_an_activity_is_counted_without_the_asker(client, acme):
    for asked in ("who owns naming", "naming", "who owns pricing & packaging"):
        slack_ask(client, acme, asked)
    slack_ask(client, acme, "who owns launch")  # ambiguous: counts nothing
    naming = Activity.objects.get(matrix__workspace=acme, name="Naming")
    counts = {row.activity_id: row.count for row in AskedCount.objects.all()}
    assert counts[naming.pk] == 2 and sum(counts.values()) == 3
    fields = {f.name for f in AskedCount._meta.get_fields()}
    assert not fields & {"user", "asker", "user_id", "user_name", "member"}


def test_questions_past_the_workspace_rate_are_told_to_wait(client, acme, settings):
    settings.CHAT_QUESTIONS_PER_MINUTE = 2
    assert "Naming" in _text(slack_ask(client, acme, "naming"))
    assert "Naming" in _text(slack_ask(client, acme, "naming"))
    assert "Ask again in a minute" in _text(slack_ask(client, acme, "naming"))


def test_a_body_that_is_not_a_form_is_refused_before_anything_is_read(client, acme):
    response = client.post(reverse("chat:slack", args=[acme.slug]), {"text": "naming"})  # multipart
    assert response.status_code == 400 and response.content.decode() == NOT_SIGNED


def test_only_post_is_answered(client, acme):
    assert client.get(reverse("chat:slack", args=[acme.slug])).status_code == 405


def test_an_answer_costs_the_same_queries_for_a_small_and_a_large_matrix(client, members_workspace):
    from raci.models import Matrix
    from tests.factories import build_matrix
    from tests.queries import assert_same_queries

    ChatSetup.objects.create(workspace=members_workspace, slack_signing_secret="0123456789abcdef0123456789abcdef")

    def build(size):
        matrix = build_matrix(members_workspace, activities=size, roles=max(3, size // 15), name=f"M{size}")[0]
        Matrix.objects.filter(workspace=members_workspace).update(is_default=False)
        Matrix.objects.filter(pk=matrix.pk).update(is_default=True)
        return size

    def visit(size):
        response = slack_ask(
            client, members_workspace, "who owns activity 5", secret="0123456789abcdef0123456789abcdef"
        )
        assert "Activity 5" in _text(response)

    assert_same_queries(build, visit, sizes=(10, 200), at_most=12)


def test_who_owns_what_for_a_launch_lists_its_whole_checklist_without_a_note(client, acme):
    shown = _text(slack_ask(client, acme, "who owns what for dark mode"))
    assert "Dark mode: readiness owners" in shown and "No readiness item" not in shown
