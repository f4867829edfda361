"""Who confirms a tier (DESIGN, Launches): the launch's PM owner, or an admin, as the PM
lead; its PMM owner, or an admin, as the PMM lead. Holding the PM role grants nothing."""

import pytest
from django.urls import reverse

from core.errors import InvalidInput
from launches import services, tiering
from tests.factories import MembershipFactory, UserFactory, hold
from tests.launches.conftest import TIER_2_SCORES, make_launch
from workspaces.models import Access, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def tier_two(team):
    """A Tier 2 launch owned by the PM and PMM of the team, and an editor who also holds PM."""
    ws, cycle, people = team
    people["pm_holder"] = MembershipFactory(workspace=ws, access=Access.EDITOR)
    hold(Role.objects.get(workspace=ws, code="PM"), people["pm_holder"])
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    launch = services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])
    return launch, people


def _url(launch, name="launch"):
    return reverse(f"launches:{name}", args=[launch.cycle.workspace.slug, launch.cycle.slug, launch.pk])


def _buttons(client, launch) -> set[str]:
    page = client.get(_url(launch)).content.decode()
    return {code for code in ("PM", "PMM") if f"Confirm as {code} lead" in page}


def _confirm(client, launch, code):
    return client.post(_url(launch, "tier_confirm"), {"as": code})


def test_the_pm_owner_confirms_as_the_pm_lead_and_not_as_the_pmm_lead(client, tier_two):
    launch, people = tier_two
    client.force_login(people["PM"].user)
    assert _buttons(client, launch) == {"PM"}
    assert _confirm(client, launch, "PMM").status_code == 403
    assert _confirm(client, launch, "PM").status_code == 302
    launch.refresh_from_db()
    assert launch.pm_confirmed_by == people["PM"] and launch.pmm_confirmed_by is None


def test_the_pmm_owner_confirms_as_the_pmm_lead_and_not_as_the_pm_lead(client, tier_two):
    launch, people = tier_two
    client.force_login(people["PMM"].user)
    assert _buttons(client, launch) == {"PMM"}
    assert _confirm(client, launch, "PM").status_code == 403
    assert _confirm(client, launch, "PMM").status_code == 302
    launch.refresh_from_db()
    assert launch.pmm_confirmed_by == people["PMM"] and launch.pm_confirmed_by is None


def test_an_editor_holding_the_pm_role_confirms_nothing(client, tier_two):
    launch, people = tier_two
    client.force_login(people["pm_holder"].user)
    assert _buttons(client, launch) == set()
    assert "PM owner confirms as the PM lead" in client.get(_url(launch)).content.decode()
    assert _confirm(client, launch, "PM").status_code == 403
    assert _confirm(client, launch, "PMM").status_code == 403
    launch.refresh_from_db()
    assert launch.pm_confirmed_by is None and launch.pmm_confirmed_by is None


def test_an_admin_confirms_as_either_lead_but_not_as_both(client, tier_two):
    launch, people = tier_two
    client.force_login(people["admin"].user)
    assert _buttons(client, launch) == {"PM", "PMM"}
    assert _confirm(client, launch, "PM").status_code == 302
    refused = client.post(_url(launch, "tier_confirm"), {"as": "PMM"}, follow=True)
    assert "two different people" in refused.content.decode()
    launch.refresh_from_db()
    assert launch.pm_confirmed_by == people["admin"] and launch.pmm_confirmed_by is None
    # The PMM owner completes it.
    client.force_login(people["PMM"].user)
    assert _confirm(client, launch, "PMM").status_code == 302
    launch.refresh_from_db()
    assert launch.confirmed


def test_a_viewer_gets_403_even_as_the_launchs_pm_owner(client, tier_two):
    launch, people = tier_two
    viewer = people["viewer"]
    launch.pm_owner = viewer
    launch.save(update_fields=["pm_owner"])
    client.force_login(viewer.user)
    assert _buttons(client, launch) == set()
    assert _confirm(client, launch, "PM").status_code == 403
    launch.refresh_from_db()
    assert launch.pm_confirmed_by is None


def test_an_outsider_gets_404(client, tier_two):
    launch, _ = tier_two
    client.force_login(UserFactory())
    assert _confirm(client, launch, "PM").status_code == 404
    assert client.get(_url(launch)).status_code == 404


def test_a_launch_without_a_pm_owner_is_confirmed_as_pm_lead_by_an_admin_only(team):
    _, cycle, people = team
    launch = make_launch(cycle, {"PMM": people["PMM"]})
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    launch = services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])
    with pytest.raises(InvalidInput, match="PM owner or a workspace admin"):
        services.tier_confirm(launch=launch, membership=people["PM"], as_code="PM")
    launch = services.tier_confirm(launch=launch, membership=people["admin"], as_code="PM")
    assert launch.pm_confirmed_by == people["admin"]


def test_a_member_of_another_workspace_cannot_confirm_even_as_admin(tier_two):
    launch, _ = tier_two
    stranger = MembershipFactory(access=Access.ADMIN)
    with pytest.raises(InvalidInput):
        services.tier_confirm(launch=launch, membership=stranger, as_code="PM")


@pytest.mark.parametrize(
    ("as_code", "member", "is_admin", "allowed"),
    [
        ("PM", 1, False, True),  # the PM owner
        ("PMM", 1, False, False),  # the PM owner as PMM lead
        ("PMM", 2, False, True),  # the PMM owner
        ("PM", 2, False, False),  # the PMM owner as PM lead
        ("PM", 3, False, False),  # anyone else
        ("PMM", 3, False, False),
        ("PM", 3, True, True),  # an admin, as either lead
        ("PMM", 3, True, True),
        ("CEO", 3, True, False),  # no such lead
    ],
)
def test_may_confirm_table(as_code, member, is_admin, allowed):
    assert (
        tiering.may_confirm(as_code=as_code, member_id=member, is_admin=is_admin, pm_owner_id=1, pmm_owner_id=2)
        is allowed
    )


def test_nobody_but_an_admin_confirms_for_a_missing_owner():
    assert tiering.confirmable_as(member_id=5, is_admin=False, pm_owner_id=None, pmm_owner_id=None) == ()
    assert tiering.confirmable_as(member_id=5, is_admin=True, pm_owner_id=None, pmm_owner_id=None) == ("PM", "PMM")


def _edit(client, launch, *, pm, pmm):
    return client.post(
        _url(launch, "launch_edit"), {"name": launch.name, "pm_owner": pm.pk if pm else "", "pmm_owner": pmm.pk}
    )


def test_an_editor_cannot_forge_the_pm_confirmation_by_owning_the_launch_for_a_moment(client, tier_two):
    """Set oneself as PM owner, confirm as the PM lead, set the real owner back: the real owner's
    confirmation is still missing."""
    launch, people = tier_two
    forger = people["editor"]
    client.force_login(forger.user)
    assert _edit(client, launch, pm=forger, pmm=people["PMM"]).status_code == 302
    assert _confirm(client, launch, "PM").status_code == 302
    assert _edit(client, launch, pm=people["PM"], pmm=people["PMM"]).status_code == 302
    launch.refresh_from_db()
    assert launch.pm_owner == people["PM"]
    assert launch.pm_confirmed_by is None and launch.pm_confirmed_at is None and launch.pm_confirmed_as == ""
    assert not launch.confirmed


def test_a_new_owner_withdraws_only_that_leads_confirmation(tier_two):
    launch, people = tier_two
    services.tier_confirm(launch=launch, membership=people["PM"], as_code="PM")
    services.tier_confirm(launch=launch, membership=people["PMM"], as_code="PMM")
    launch = services.launch_update(
        launch=launch, name=launch.name, pm_owner_id=people["PM"].pk, pmm_owner_id=people["editor"].pk
    )
    launch.refresh_from_db()
    assert launch.pm_confirmed_by == people["PM"] and launch.pmm_confirmed_by is None


def test_a_new_tier_withdraws_both_confirmations(tier_two):
    launch, people = tier_two
    services.tier_confirm(launch=launch, membership=people["PM"], as_code="PM")
    services.tier_confirm(launch=launch, membership=people["admin"], as_code="PMM")
    launch = services.launch_set_tier(launch=launch, tier=1, actor=people["PMM"], reason="Board asked")
    launch.refresh_from_db()
    assert (launch.pm_confirmed_by, launch.pmm_confirmed_by, launch.pm_confirmed_as) == (None, None, "")


def test_a_confirmation_records_who_confirmed_and_as_what_and_the_board_and_page_show_it(client, tier_two):
    launch, people = tier_two
    services.tier_confirm(launch=launch, membership=people["PM"], as_code="PM")
    services.tier_confirm(launch=launch, membership=people["admin"], as_code="PMM")
    launch.refresh_from_db()
    assert (launch.pm_confirmed_by, launch.pm_confirmed_as) == (people["PM"], "owner")
    assert (launch.pmm_confirmed_by, launch.pmm_confirmed_as) == (people["admin"], "admin")
    client.force_login(people["viewer"].user)
    board = client.get(reverse("launches:cycle", args=[launch.cycle.workspace.slug, launch.cycle.slug]))
    html = board.content.decode()
    pm, admin = people["PM"].display_name, people["admin"].display_name
    assert f"PM lead: confirmed by {pm} (owner)" in html and f"PMM lead: confirmed by {admin} (admin)" in html
    page = client.get(_url(launch)).content.decode()
    assert f"confirmed by {pm} as the launch's PM owner" in page and f"confirmed by {admin} as an admin" in page


def test_a_board_shows_a_lead_not_yet_confirmed(client, tier_two):
    launch, people = tier_two
    client.force_login(people["viewer"].user)
    html = client.get(reverse("launches:cycle", args=[launch.cycle.workspace.slug, launch.cycle.slug])).content
    assert 'PM lead: <span class="warn-text">not confirmed</span>' in html.decode()


@pytest.mark.parametrize(
    "old, new, withdrawn",
    [
        ((2, 1, 2), (2, 1, 2), ()),
        ((2, 1, 2), (1, 1, 2), ("PM", "PMM")),
        ((2, 1, 2), (2, 3, 2), ("PM",)),
        ((2, 1, 2), (2, 1, None), ("PMM",)),
        ((2, None, 2), (2, 1, 3), ("PM", "PMM")),
    ],
)
def test_confirmations_withdrawn_table(old, new, withdrawn):
    assert (
        tiering.confirmations_withdrawn(
            old_tier=old[0],
            new_tier=new[0],
            old_owners={"PM": old[1], "PMM": old[2]},
            new_owners={"PM": new[1], "PMM": new[2]},
        )
        == withdrawn
    )
