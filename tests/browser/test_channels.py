"""An admin adds a Slack channel, its test message reaches the listener, and the delivery
shows on the page; the page works and reads at 1280 and 390 pixels."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import shoot
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory, build_matrix
from tests.receivers import ChatListener
from workspaces.models import Access


def test_an_admin_adds_a_slack_channel_and_sees_its_test_message_delivered(page: Page, server, sign_in, watch):
    workspace = WorkspaceFactory(name="Acme", slug="acme")
    MembershipFactory(workspace=workspace, access=Access.ADMIN, user=UserFactory(username="ada", first_name="Ada"))
    build_matrix(workspace, activities=2, roles=2, name="Launch matrix")
    listener = ChatListener()
    try:
        sign_in(page, "ada")
        page.goto(f"{server}/w/acme/settings/")
        page.get_by_role("link", name="Set up channels").click()
        expect(page.get_by_role("heading", name="Slack and Teams channels")).to_be_visible()
        shoot(page, "channels-empty")
        page.get_by_label("Service").select_option("slack")
        page.get_by_label("Channel", exact=True).fill("#launches")
        page.get_by_label("Webhook address").fill(listener.slack_url)
        page.get_by_label("Tier 1").check()
        page.get_by_label("Launch matrix").check()
        page.get_by_label("Post the weekly digest here").check()
        page.get_by_role("button", name="Add and send a test message").click()
        card = page.locator("article.destination", has_text="#launches")
        expect(card).to_be_visible()
        expect(card.locator("tr", has_text="Test message")).to_contain_text("Delivered")
        expect(card).to_contain_text("Tier 1 launches; Launch matrix")
        assert len(listener.messages) == 1
        message = listener.messages[0]
        assert message["blocks"][0]["text"]["text"] == "Lockstep is connected"
        assert "Ada connected this channel to Acme." in str(message)
        card.get_by_role("button", name="Send a test message").click()
        expect(page.locator("article.destination").locator("tr", has_text="Test message")).to_have_count(2)
        assert len(listener.messages) == 2
        shoot(page, "channels-added", part="article.destination")
        # A wrong address stays on the form with its reason.
        page.get_by_label("Service").select_option("teams")
        page.get_by_label("Channel", exact=True).fill("#wrong")
        page.get_by_label("Webhook address").fill("https://example.com/hook")
        page.get_by_role("button", name="Add and send a test message").click()
        expect(page.get_by_text("Teams Workflows webhook")).to_be_visible()
        shoot(page, "channels-refused")
        # That refusal answers 422 (the form re-rendered with its message), which Chromium
        # logs as a failed load: that one, and nothing else.
        refused = [e for e in watch.console_errors if "422" in e]
        assert len(refused) == 1 and "/channels/" in refused[0]
        watch.console_errors = [e for e in watch.console_errors if e not in refused]
        watch.assert_clean()
    finally:
        listener.close()


def test_an_editor_picks_a_launchs_own_channel_on_the_launch_page(page: Page, server, sign_in, watch):
    from datetime import date

    from launches import services as launch_services
    from launches.models import Launch
    from notifications import destinations

    workspace = WorkspaceFactory(name="Acme", slug="acme")
    MembershipFactory(workspace=workspace, access=Access.EDITOR, user=UserFactory(username="eve", first_name="Eve"))
    listener = ChatListener()
    try:
        own = destinations.destination_add(
            workspace=workspace,
            kind="teams",
            name="#atlas",
            url=listener.teams_url,
            routing=destinations.Routing(chosen_only=True),
        )
        cycle = launch_services.cycle_create(workspace=workspace, quarter="2027-Q1")
        launch = launch_services.launch_create(cycle=cycle, name="Atlas", launch_date=date(2027, 3, 15))
        sign_in(page, "eve")
        page.goto(f"{server}/w/acme/launches/{cycle.slug}/{launch.pk}/")
        page.get_by_label("Its own Slack or Teams channel").select_option(label="#atlas (Microsoft Teams)")
        page.get_by_role("button", name="Save the channel").click()
        expect(page.get_by_text("Its events now go to the channel picked.")).to_be_visible()
        expect(page.get_by_label("Its own Slack or Teams channel")).to_have_value(str(own.pk))
        assert Launch.objects.get(pk=launch.pk).channel_id == own.pk
        shoot(page, "launch-channel", part="#channel")
        watch.assert_clean()
    finally:
        listener.close()


def test_each_box_of_the_add_form_sits_on_its_own_line_beside_its_label(page: Page, server, sign_in):
    workspace = WorkspaceFactory(name="Acme", slug="acme")
    MembershipFactory(workspace=workspace, access=Access.ADMIN, user=UserFactory(username="ada", first_name="Ada"))
    sign_in(page, "ada")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{server}/w/acme/channels/")
        boxes = page.locator("fieldset.choices label.check")
        tops = [boxes.nth(i).bounding_box()["y"] for i in range(boxes.count())]
        assert len(tops) > 10 and len(set(tops)) == len(tops), "one kind of event a line"
        for i in range(boxes.count()):
            box, label = boxes.nth(i).locator("input").bounding_box(), boxes.nth(i).bounding_box()
            assert abs(box["y"] + box["height"] / 2 - (label["y"] + label["height"] / 2)) < 4, "box beside its label"
