"""What a browser shows of confirmations and secrets: the board and the launch page say who
confirmed each lead and as what; removing an admin offers to replace the workspace's
secrets; the settings page replaces them. Screenshots at 1280 and 390 px go to $SHOTS."""

from playwright.sync_api import Page, expect

from launches import services as launch_services
from launches.models import CalendarFeed
from notifications.models import Webhook
from tests.browser.conftest import shoot
from tests.factories import MembershipFactory
from tests.world import build_world
from workspaces.models import Access


def test_confirmations_on_the_board_and_secrets_on_removal_and_settings(page: Page, server, sign_in, watch):
    world = build_world()
    ws = world.workspace
    launch_services.tier_confirm(launch=world.launch, membership=world.people["editor"], as_code="PM")
    launch_services.tier_confirm(launch=world.launch, membership=world.people["admin"], as_code="PMM")
    CalendarFeed.objects.create(workspace=ws)
    Webhook.objects.create(workspace=ws, url="https://hooks.example.com/lockstep")
    leaving = MembershipFactory(workspace=ws, access=Access.ADMIN)
    sign_in(page, "ada")

    page.goto(f"{server}/w/{ws.slug}/launches/{world.cycle.slug}/")
    card = page.locator(f"#card-{world.launch.pk}")
    expect(card).to_contain_text("PM lead: confirmed by Eddie Lane (owner)")
    expect(card).to_contain_text("PMM lead: confirmed by Ada Lane (admin)")
    shoot(page, "board-confirmations", part=f"#card-{world.launch.pk}")

    page.goto(f"{server}/w/{ws.slug}/launches/{world.cycle.slug}/{world.launch.pk}/")
    expect(page.locator(".confirmations")).to_contain_text("as the launch's PM owner")
    expect(page.locator(".confirmations")).to_contain_text("as an admin")

    page.goto(f"{server}/w/{ws.slug}/members/{leaving.pk}/remove/")
    secrets = page.locator("fieldset.secrets")
    expect(secrets).to_contain_text("Replace the secrets they could read")
    expect(secrets.get_by_label("The calendar feed's link")).to_be_checked()
    expect(secrets.get_by_label("The webhook's signing secret")).to_be_checked()
    shoot(page, "remove-admin-secrets", part="fieldset.secrets")
    token = CalendarFeed.objects.get(workspace=ws).token
    page.get_by_role("button", name=f"Remove {leaving.display_name}").click()
    expect(page.locator("body")).to_contain_text(f"Removed {leaving.display_name}")
    assert CalendarFeed.objects.get(workspace=ws).token != token

    page.goto(f"{server}/w/{ws.slug}/settings/")
    shoot(page, "settings-secrets", part="#secrets")
    page.locator("#secrets form").filter(has_text="webhook").get_by_role("button", name="Replace").click()
    expect(page.locator("body")).to_contain_text("The webhook's signing secret is replaced")
    watch.assert_clean()
