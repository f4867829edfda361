"""Removing a member: a page of its own lists what they hold (roles, matrices, launches,
open readiness items, rituals) and asks to whom each goes; the removal hands it all over
and then removes them, or changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from launches import services
from launches.models import Launch, ReadinessItem
from notifications.models import Notification
from rituals import services as rituals_services
from tests.factories import MembershipFactory, UserFactory, build_matrix, hold
from tests.launches.conftest import TIER_2_SCORES, make_launch, owners_matrix
from workspaces import services as raci_services
from workspaces.models import Access, Membership, Role, RoleHolder

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaving(team):
    """The PM holds the PM role, owns a matrix where PM is accountable, owns a Tier 2 launch
    (and its PM items) whose tier they confirmed, and attends a ritual the PM role runs."""
    ws, cycle, people = team
    pm = people["PM"]
    pm_role = Role.objects.get(workspace=ws, code="PM")
    matrix, _, roles = build_matrix(ws, activities=2, roles=1, name="Core plan")
    matrix.owner = pm.user
    matrix.save(update_fields=["owner"])
    hold(roles[0], pm)  # a role nobody else holds, accountable in Core plan
    owners_matrix(ws)  # where the launch's items find their owners
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    launch = services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])
    services.tier_confirm(launch=launch, membership=pm, as_code="PM")
    ritual = rituals_services.ritual_create(
        workspace=ws,
        name="Roadmap review",
        cadence="monthly",
        starts_on=timezone.localdate() + timedelta(days=3),
        owner_role_id=pm_role.pk,
        attendee_member_ids=[pm.pk],
    )
    return {
        "ws": ws,
        "people": people,
        "pm": pm,
        "pm_role": pm_role,
        "grid_role": roles[0],
        "matrix": matrix,
        "launch": launch,
        "ritual": ritual,
    }


def _url(world, member=None):
    return reverse("workspaces:member_remove", args=[world["ws"].slug, (member or world["pm"]).pk])


def _field(key):
    return "to_" + key.replace(":", "_")


def _admin(client, world):
    client.force_login(world["people"]["admin"].user)
    return client


def test_the_page_lists_everything_the_member_holds(client, leaving):
    page = _admin(client, leaving).get(_url(leaving))
    assert page.status_code == 200
    html = page.content.decode()
    pm_items = list(ReadinessItem.objects.filter(owner=leaving["pm"]))
    assert pm_items
    for text in (
        "Roles held",
        "PM · Product Manager",
        "COR0 · Core plan role 0",
        "Matrices owned",
        "Core plan",
        "Launches owned",
        "Usage-based billing · PM owner",
        "Open readiness items",
        "Rituals attended",
        "Roadmap review",
        "on 1 launch is withdrawn",
        *[item.title for item in pm_items],
    ):
        assert text in html, text
    assert "is accountable on 2 activities of Core plan" in html
    assert "runs the ritual Roadmap review" in html
    # Things that need someone offer no "Nobody"; the whole page is a plain form.
    assert f'name="{_field("role:" + str(leaving["pm_role"].pk))}"' in html
    assert 'value="nobody"' not in html


def test_the_members_page_links_to_the_removal_page(client, leaving):
    html = _admin(client, leaving).get(reverse("workspaces:members", args=[leaving["ws"].slug])).content.decode()
    assert f'href="{_url(leaving)}"' in html
    assert f'action="{_url(leaving)}"' not in html


def test_removal_hands_everything_over_then_removes_the_member(client, leaving):
    people, pm = leaving["people"], leaving["pm"]
    heir = people["editor"]
    open_items = list(ReadinessItem.objects.filter(owner=pm, status__in=("todo", "in_progress")))
    response = _admin(client, leaving).post(_url(leaving), {"everything_to": heir.pk})
    assert response.status_code == 302 and response["Location"] == reverse(
        "workspaces:members", args=[leaving["ws"].slug]
    )
    assert not Membership.objects.filter(pk=pm.pk).exists()
    assert RoleHolder.objects.filter(role=leaving["pm_role"], membership=heir).exists()
    assert RoleHolder.objects.filter(role=leaving["grid_role"], membership=heir).exists()
    leaving["matrix"].refresh_from_db()
    assert leaving["matrix"].owner == heir.user
    launch = Launch.objects.get(pk=leaving["launch"].pk)
    assert launch.pm_owner == heir and launch.pmm_owner == people["PMM"]
    assert launch.pm_confirmed_by is None and launch.pm_confirmed_at is None
    assert set(ReadinessItem.objects.filter(pk__in=[i.pk for i in open_items]).values_list("owner", flat=True)) == {
        heir.pk
    }
    assert list(leaving["ritual"].attendee_members.all()) == [heir]
    told = Notification.objects.filter(user=heir.user, kind="item_assigned")
    assert told.count() == 1 and "Usage-based billing" in told.get().title


def test_each_line_may_go_to_someone_else(client, leaving):
    people = leaving["people"]
    item = ReadinessItem.objects.filter(owner=leaving["pm"]).first()
    _admin(client, leaving).post(
        _url(leaving),
        {
            "everything_to": people["editor"].pk,
            _field(f"item:{item.pk}"): people["SUP"].pk,
            _field(f"ritual:{leaving['ritual'].pk}"): people["viewer"].pk,
        },
    )
    item.refresh_from_db()
    assert item.owner == people["SUP"]
    assert list(leaving["ritual"].attendee_members.all()) == [people["viewer"]]
    assert Launch.objects.get(pk=leaving["launch"].pk).pm_owner == people["editor"]


def test_a_role_someone_else_holds_may_go_to_nobody(client, leaving):
    people = leaving["people"]
    hold(leaving["pm_role"], people["admin"])
    key = _field(f"role:{leaving['pm_role'].pk}")
    html = _admin(client, leaving).get(_url(leaving)).content.decode()
    assert "Also held by" in html and 'value="nobody"' in html
    client.post(_url(leaving), {"everything_to": people["editor"].pk, key: "nobody"})
    assert not Membership.objects.filter(pk=leaving["pm"].pk).exists()
    assert set(RoleHolder.objects.filter(role=leaving["pm_role"]).values_list("membership", flat=True)) == {
        people["admin"].pk
    }


def test_a_role_that_nothing_needs_may_go_to_nobody(leaving):
    spare = Role.objects.create(workspace=leaving["ws"], code="SPARE", name="Spare")
    member = MembershipFactory(workspace=leaving["ws"])
    hold(spare, member)
    raci_services.membership_remove(
        membership=member, actor=leaving["people"]["admin"].user, handover={f"role:{spare.pk}": None}
    )
    assert not RoleHolder.objects.filter(role=spare).exists()
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_a_role_that_is_needed_cannot_go_to_nobody_and_nothing_changes(client, leaving):
    people = leaving["people"]
    key = _field(f"role:{leaving['pm_role'].pk}")
    response = _admin(client, leaving).post(_url(leaving), {"everything_to": people["editor"].pk, key: "nobody"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(raci_services.HandoverRefused) as refused:
        raci_services.membership_remove(
            membership=leaving["pm"],
            actor=people["admin"].user,
            handover={k: (None if k.startswith("role:") else people["editor"].pk) for k in _keys(leaving)},
        )
    assert f"role:{leaving['pm_role'].pk}" in refused.value.errors
    assert Membership.objects.filter(pk=leaving["pm"].pk).exists()
    assert Launch.objects.get(pk=leaving["launch"].pk).pm_owner == leaving["pm"]


def _keys(world):
    from workspaces import handover

    return [h.key for h in handover.holdings_of(membership=world["pm"])]


def test_nothing_picked_is_refused_at_every_line(client, leaving):
    response = _admin(client, leaving).post(_url(leaving), {})
    assert response.status_code == 422
    html = response.content.decode()
    assert html.count("Pick who takes this over, or pick someone for everything above.") == len(_keys(leaving))
    assert Membership.objects.filter(pk=leaving["pm"].pk).exists()


def test_a_viewer_cannot_take_over_launches_or_items(client, leaving):
    people = leaving["people"]
    response = _admin(client, leaving).post(_url(leaving), {"everything_to": people["viewer"].pk})
    assert response.status_code == 422
    assert "is a viewer and could not act on it" in response.content.decode()
    assert Membership.objects.filter(pk=leaving["pm"].pk).exists()
    assert not RoleHolder.objects.filter(membership=people["viewer"]).exists()
    with pytest.raises(raci_services.HandoverRefused, match="is a viewer"):
        raci_services.membership_remove(
            membership=leaving["pm"],
            actor=people["admin"].user,
            handover=dict.fromkeys(_keys(leaving), people["viewer"].pk),
        )


def test_only_remaining_members_of_the_workspace_take_over(leaving):
    stranger = MembershipFactory(access=Access.EDITOR)
    for target in (stranger.pk, leaving["pm"].pk):
        with pytest.raises(raci_services.HandoverRefused, match="remaining members"):
            raci_services.membership_remove(
                membership=leaving["pm"],
                actor=leaving["people"]["admin"].user,
                handover=dict.fromkeys(_keys(leaving), target),
            )
    assert Membership.objects.filter(pk=leaving["pm"].pk).exists()


def test_the_last_admin_cannot_be_removed(client, leaving):
    admin = leaving["people"]["admin"]
    url = _url(leaving, admin)
    page = _admin(client, leaving).get(url).content.decode()
    assert "is the last admin" in page and "Hand over and remove" not in page
    assert client.post(url, {"everything_to": leaving["people"]["editor"].pk}).status_code == 422
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_an_admin_who_removes_themselves_goes_home(client, leaving):
    admin = leaving["people"]["admin"]
    MembershipFactory(workspace=leaving["ws"], access=Access.ADMIN)
    response = _admin(client, leaving).post(_url(leaving, admin), {})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert not Membership.objects.filter(pk=admin.pk).exists()


def test_a_member_who_holds_nothing_is_removed_at_once(client, leaving):
    viewer = leaving["people"]["viewer"]
    assert "holds nothing here" in _admin(client, leaving).get(_url(leaving, viewer)).content.decode()
    assert client.post(_url(leaving, viewer)).status_code == 302
    assert not Membership.objects.filter(pk=viewer.pk).exists()


@pytest.mark.parametrize("who", ["PMM", "editor", "viewer"])
def test_only_admins_see_or_use_the_page(client, leaving, who):
    client.force_login(leaving["people"][who].user)
    assert client.get(_url(leaving)).status_code == 403
    assert client.post(_url(leaving), {"everything_to": leaving["people"][who].pk}).status_code == 403
    assert Membership.objects.filter(pk=leaving["pm"].pk).exists()


def test_an_outsider_and_a_foreign_member_get_404(client, leaving):
    client.force_login(UserFactory())
    assert client.get(_url(leaving)).status_code == 404
    other_admin = MembershipFactory(access=Access.ADMIN)
    client.force_login(other_admin.user)
    foreign = reverse("workspaces:member_remove", args=[other_admin.workspace.slug, leaving["pm"].pk])
    assert client.get(foreign).status_code == 404
    assert client.post(foreign, {"everything_to": other_admin.pk}).status_code == 404
    assert Membership.objects.filter(pk=leaving["pm"].pk).exists()
