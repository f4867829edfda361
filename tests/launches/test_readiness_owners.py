"""Readiness owned through the matrix (issue 12) and the day-30 metric as a required item
(issue 14): owners come from the launch's matrix, else the workspace's default matrix;
never a phantom role; several R ask which; a missing activity is offered from the template."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import Conflict, InvalidInput, StaleChanges
from launches import selectors, services
from launches.models import ReadinessItem
from raci import services as raci_services
from raci.models import Activity, Cell, ChangeEvent, Matrix, Template
from raci.seeding import templates_seed
from tests.factories import MembershipFactory, UserFactory
from tests.launches.conftest import (
    OWNER_LETTERS,
    TIER_1_SCORES,
    make_launch,
    owners_matrix,
)
from workspaces import services as workspace_services
from workspaces.models import Role

pytestmark = pytest.mark.django_db


def _url(launch, name="launch", *extra):
    return reverse(f"launches:{name}", args=[launch.cycle.workspace.slug, launch.cycle.slug, launch.pk, *extra])


def _states(launch):
    owners = selectors.launch_owners_of(launch=launch)
    return {item.key: selectors.item_ownership(item, owners).state for item in selectors.checklist_of(launch=launch)}


# --- a new workspace with the default template -------------------------------------------------


def test_a_new_workspace_and_a_tier_one_launch_have_no_phantom_role_and_no_template_caused_warning(client):
    templates_seed()
    founder = UserFactory()
    ws = workspace_services.workspace_create(name="Acme", owner=founder)
    matrix = raci_services.matrix_create(
        workspace=ws,
        name="Our split",
        actor=founder,
        template=Template.objects.get(workspace__isnull=True, is_default=True),
    )
    assert Matrix.objects.get(pk=matrix.pk).is_default
    roles_before = set(Role.objects.filter(workspace=ws).values_list("code", flat=True))
    cycle = services.cycle_create(workspace=ws, quarter="2027-Q1")
    launch = make_launch(cycle)  # no matrix of its own: the default one
    services.launch_score(launch=launch, scores=TIER_1_SCORES)
    admin = ws.memberships.get()
    services.launch_set_tier(launch=launch, tier=1, actor=admin)

    assert set(Role.objects.filter(workspace=ws).values_list("code", flat=True)) == roles_before
    columns = set(matrix.columns.values_list("role__code", flat=True))
    items = {i.key: i for i in launch.items.select_related("owner_role")}
    assert all(i.owner_role and i.owner_role.code in columns for i in items.values())
    assert items["support-docs"].owner_role.code == "CS"  # Launch Readiness: PM A, CS R
    assert items["sales-training"].owner_role.code == "PMM"  # Sales/CS Enablement: PMM A/R
    assert items["pricing"].owner_role.code == "PMM" and items["metric"].owner_role.code == "PM"
    assert set(_states(launch).values()) == {"owned"}

    client.force_login(founder)
    body = client.get(_url(launch)).content.decode()
    for warning in ("No owner", "neither R nor A", "Several roles", "The matrix now gives", "has no default"):
        assert warning not in body, warning
    assert "the workspace&#x27;s default matrix" in body or "the workspace's default matrix" in body


# --- several R ------------------------------------------------------------------------------


def _two_r(ws):
    Role.objects.create(workspace=ws, code="CS", name="Customer Success")
    letters = dict(
        OWNER_LETTERS, **{"launch-readiness": ("Launch Readiness", "launch", {"PM": "A", "SUP": "R", "CS": "R"})}
    )
    return owners_matrix(ws, letters=letters, codes=("PM", "PMM", "SUP", "CS"))


def test_several_r_leave_the_item_without_owner_until_someone_chooses(team):
    ws, cycle, people = team
    _two_r(ws)
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    docs = launch.items.get(key="support-docs")
    assert docs.owner_role is None and docs.owner is None
    owners = selectors.launch_owners_of(launch=launch)
    ownership = selectors.item_ownership(docs, owners)
    assert ownership.state == "choose" and [c for _, c, _ in ownership.candidates] == ["SUP", "CS"]

    sup = Role.objects.get(workspace=ws, code="SUP")
    services.item_choose_role(launch=launch, item_id=docs.pk, role_id=sup.pk)
    docs.refresh_from_db()
    assert docs.chosen_role == sup and docs.owner_role == sup and docs.owner == people["SUP"]
    assert selectors.item_ownership(docs, selectors.launch_owners_of(launch=launch)).state == "owned"


def test_choosing_a_role_that_is_not_r_is_refused(team):
    ws, cycle, people = team
    _two_r(ws)
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    docs = launch.items.get(key="support-docs")
    pm = Role.objects.get(workspace=ws, code="PM")
    with pytest.raises(InvalidInput, match=r"R on it in the matrix \(SUP, CS\)"):
        services.item_choose_role(launch=launch, item_id=docs.pk, role_id=pm.pk)
    foreign = Role.objects.create(workspace=MembershipFactory().workspace, code="X", name="X")
    with pytest.raises(InvalidInput):
        services.item_choose_role(launch=launch, item_id=docs.pk, role_id=foreign.pk)
    assert launch.items.get(pk=docs.pk).chosen_role is None


def test_the_checklist_asks_which_r_and_the_choice_is_saved_from_the_page(client, team):
    ws, cycle, people = team
    _two_r(ws)
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    docs = launch.items.get(key="support-docs")
    client.force_login(people["editor"].user)
    body = client.get(_url(launch)).content.decode()
    assert "Several roles are R on Launch Readiness: SUP, CS. Which one owns this?" in body
    cs = Role.objects.get(workspace=ws, code="CS")
    response = client.post(_url(launch, "item_role", docs.pk), {"role": str(cs.pk)}, headers={"HX-Request": "true"})
    assert (
        response.status_code == 200
        and "CS is R on Launch Readiness (chosen among SUP, CS)." in response.content.decode()
    )
    assert launch.items.get(pk=docs.pk).owner_role == cs
    bad = client.post(_url(launch, "item_role", docs.pk), {"role": "12x"})
    assert bad.status_code == 302 and launch.items.get(pk=docs.pk).owner_role == cs
    client.force_login(people["viewer"].user)
    assert client.post(_url(launch, "item_role", docs.pk), {"role": str(cs.pk)}).status_code == 403


# --- a missing activity, or one nobody owns ---------------------------------------------------


def _without(*keys):
    return {k: v for k, v in OWNER_LETTERS.items() if k not in keys}


def test_a_missing_activity_is_said_and_added_from_the_template_in_one_recorded_change(team):
    ws, cycle, people = team
    matrix = owners_matrix(ws, letters=_without("pricing-packaging"))
    roles_before = Role.objects.filter(workspace=ws).count()
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    pricing = launch.items.get(key="pricing")
    assert pricing.owner_role is None and _states(launch)["pricing"] == "missing"
    matrix.refresh_from_db()

    services.item_owner_from_template(
        launch=launch, item_id=pricing.pk, since=matrix.last_seq, actor=people["PMM"].user
    )
    added = Activity.objects.get(matrix=matrix, template_key="pricing-packaging")
    assert added.name == "Pricing & Packaging" and added.phase == "strategy"
    letters = dict(Cell.objects.filter(activity=added).values_list("role__code", "value"))
    assert letters == {"PMM": "AR", "PM": "C"}  # the template's letters for the matrix's roles
    events = ChangeEvent.objects.filter(matrix=matrix, group__isnull=False)
    assert set(events.values_list("group_label", flat=True)) == {"From the template: Pricing & Packaging"}
    pricing.refresh_from_db()
    assert pricing.owner_role.code == "PMM" and pricing.owner == people["PMM"]
    assert Role.objects.filter(workspace=ws).count() == roles_before


def test_an_activity_nobody_owns_takes_the_templates_owner_adding_its_role_as_a_column(team):
    ws, cycle, people = team
    letters = dict(OWNER_LETTERS, **{"launch-readiness": ("Launch Readiness", "launch", {"PMM": "C"})})
    matrix = owners_matrix(ws, letters=letters)
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    docs = launch.items.get(key="support-docs")
    assert _states(launch)["support-docs"] == "unowned"
    services.item_owner_from_template(launch=launch, item_id=docs.pk, since=None, actor=people["PMM"].user)
    row = Activity.objects.get(matrix=matrix, template_key="launch-readiness")
    letters = dict(Cell.objects.filter(activity=row).exclude(value="").values_list("role__code", "value"))
    # The default template: PM A, CS R (CS becomes a column; PMM's C is kept).
    assert letters == {"PM": "A", "CS": "R", "PMM": "C"}
    assert "CS" in set(matrix.columns.values_list("role__code", flat=True))
    docs.refresh_from_db()
    assert docs.owner_role.code == "CS"


def test_the_offer_is_refused_with_what_changed_when_the_row_moved_since(team):
    ws, cycle, people = team
    letters = dict(OWNER_LETTERS, **{"launch-readiness": ("Launch Readiness", "launch", {"PMM": "C"})})
    matrix = owners_matrix(ws, letters=letters)
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    matrix.refresh_from_db()
    seen = matrix.last_seq
    row = Activity.objects.get(matrix=matrix, template_key="launch-readiness")
    sup = Role.objects.get(workspace=ws, code="SUP")
    raci_services.cell_set(
        matrix=matrix, activity_id=row.pk, role_id=sup.pk, value="I", expected_version=0, actor=people["admin"].user
    )
    docs = launch.items.get(key="support-docs")
    with pytest.raises(StaleChanges, match="the matrix changed since you looked"):
        services.item_owner_from_template(launch=launch, item_id=docs.pk, since=seen, actor=people["PMM"].user)
    assert not Cell.objects.filter(activity=row, value__in=("R", "A", "AR")).exists()


def test_the_page_offers_the_missing_activity_and_the_offer_works_without_javascript(client, team):
    ws, cycle, people = team
    matrix = owners_matrix(ws, letters=_without("sales-cs-enablement"))
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    client.force_login(people["editor"].user)
    body = client.get(_url(launch)).content.decode()
    assert "No owner: the matrix has no Sales/CS Enablement." in body
    assert "Add Sales/CS Enablement from the template" in body
    item = launch.items.get(key="sales-training")
    matrix.refresh_from_db()
    response = client.post(_url(launch, "item_from_template", item.pk), {"since": str(matrix.last_seq)})
    assert response.status_code == 302 and response["Location"].endswith("#checklist")
    item.refresh_from_db()
    assert item.owner_role.code == "PMM"
    body = client.get(_url(launch)).content.decode()
    assert "PMM is A/R on Sales/CS Enablement." in body and "No owner" not in body
    client.force_login(people["viewer"].user)
    assert "from the template" not in client.get(_url(launch)).content.decode()


def test_a_launch_without_any_matrix_says_so_and_creates_no_role(client, team):
    ws, cycle, people = team
    before = Role.objects.filter(workspace=ws).count()
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    assert not launch.items.filter(owner_role__isnull=False).exists()
    assert Role.objects.filter(workspace=ws).count() == before
    client.force_login(people["admin"].user)
    body = client.get(_url(launch)).content.decode()
    assert "the launch has no matrix and the workspace names no default matrix" in body


# --- the matrix changes later -----------------------------------------------------------------


def test_after_the_matrix_changes_the_open_items_take_its_owners_on_the_next_replan(client, team):
    ws, cycle, people = team
    matrix = owners_matrix(ws)
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    training = launch.items.get(key="sales-training")
    services.item_update(launch=launch, item_id=launch.items.get(key="pricing").pk, status="done")
    row = Activity.objects.get(matrix=matrix, template_key="sales-cs-enablement")
    pmm, sup = (Role.objects.get(workspace=ws, code=c) for c in ("PMM", "SUP"))
    raci_services.cell_set(
        matrix=matrix, activity_id=row.pk, role_id=pmm.pk, value="A", expected_version=1, actor=people["admin"].user
    )
    raci_services.cell_set(
        matrix=matrix, activity_id=row.pk, role_id=sup.pk, value="R", expected_version=0, actor=people["admin"].user
    )
    assert _states(launch)["sales-training"] == "changed"
    client.force_login(people["editor"].user)
    body = client.get(_url(launch)).content.decode()
    assert "The matrix now gives Sales/CS Enablement to SUP." in body and "Take the owners from the matrix" in body
    assert client.post(_url(launch, "checklist_owners")).status_code == 302
    training.refresh_from_db()
    assert training.owner_role == sup and training.owner == people["SUP"]
    assert launch.items.get(key="pricing").owner_role == pmm  # done items keep who did them


def test_the_launch_page_reads_its_owners_in_the_same_number_of_queries_whatever_the_matrix_size(client, team):
    ws, cycle, people = team
    matrix = owners_matrix(ws)
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_1_SCORES)
    services.launch_set_tier(launch=launch, tier=1, actor=people["PMM"])
    client.force_login(people["editor"].user)

    def queries(extra):
        roles = list(Role.objects.filter(workspace=ws))
        for n in range(extra):
            activity = Activity.objects.create(
                matrix=matrix, name=f"More {matrix.activities.count()}", phase="build", order=100 + n
            )
            Cell.objects.bulk_create(
                [Cell(activity=activity, role=r, value="C", version=1) for r in roles if r.code in ("PM", "PMM", "SUP")]
            )
        client.get(_url(launch))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(launch)).status_code == 200
        return len(captured)

    assert queries(5) == queries(45)


# --- the default matrix -------------------------------------------------------------------------


def test_the_first_matrix_is_the_default_and_an_admin_names_another(team):
    ws, _, _ = team
    first = owners_matrix(ws, name="First")
    second = owners_matrix(ws, name="Second")
    assert Matrix.objects.get(pk=first.pk).is_default and not Matrix.objects.get(pk=second.pk).is_default
    raci_services.matrix_set_default(workspace=ws, matrix_id=second.pk)
    assert list(Matrix.objects.filter(workspace=ws, is_default=True)) == [second]
    other = owners_matrix(MembershipFactory().workspace, name="Theirs")
    with pytest.raises(InvalidInput, match="Pick a matrix of this workspace"):
        raci_services.matrix_set_default(workspace=ws, matrix_id=other.pk)
    raci_services.matrix_set_default(workspace=ws, matrix_id=None)
    assert not Matrix.objects.filter(workspace=ws, is_default=True).exists()


def test_launches_without_a_matrix_use_the_default_and_their_own_matrix_wins(team):
    ws, cycle, people = team
    owners_matrix(ws, name="Default")
    own = owners_matrix(
        ws,
        name="Own",
        letters=dict(OWNER_LETTERS, **{"pricing-packaging": ("Pricing & Packaging", "strategy", {"PM": "AR"})}),
    )
    plain = make_launch(cycle, people, name="Plain")
    special = make_launch(cycle, people, name="Special", matrix_id=own.pk)
    for launch in (plain, special):
        services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    assert plain.items.get(key="pricing").owner_role.code == "PMM"
    assert special.items.get(key="pricing").owner_role.code == "PM"
    # Moving the launch to another matrix re-resolves its open items.
    services.launch_update(
        launch=special,
        name=special.name,
        pm_owner_id=people["PM"].pk,
        pmm_owner_id=people["PMM"].pk,
        matrix_id=None,
        launch_date=special.launch_date,
    )
    assert special.items.get(key="pricing").owner_role.code == "PMM"


def test_the_settings_page_names_the_default_matrix(client, team):
    ws, _, people = team
    first = owners_matrix(ws, name="First")
    second = owners_matrix(ws, name="Second")
    settings = reverse("workspaces:workspace_settings", args=[ws.slug])
    post = reverse("raci:default_matrix", args=[ws.slug])
    client.force_login(people["admin"].user)
    body = client.get(settings).content.decode()
    assert "Default matrix" in body and f'<option value="{first.pk}" selected>First</option>' in body
    response = client.post(post, {"default_matrix": str(second.pk)})
    assert response.status_code == 302 and Matrix.objects.get(pk=second.pk).is_default
    for bad in ("nope", "99999999", "1" * 40):
        refused = client.post(post, {"default_matrix": bad})
        assert refused.status_code == 422 and "Pick a matrix of this workspace." in refused.content.decode()
    assert Matrix.objects.get(pk=second.pk).is_default
    client.force_login(people["editor"].user)
    assert client.post(post, {"default_matrix": str(first.pk)}).status_code == 403
    body = client.get(settings).content.decode()
    assert "The default matrix is" in body and 'name="default_matrix"' not in body


# --- the day-30 metric, a required item of Tier 1 and 2 ------------------------------------------


def _tier_one(team):
    ws, cycle, people = team
    owners_matrix(ws)
    launch = make_launch(cycle, people, launch_date=date(2027, 3, 15))
    services.launch_score(launch=launch, scores=TIER_1_SCORES)
    return services.launch_set_tier(launch=launch, tier=1, actor=people["PMM"])


def _record(launch, name, target):
    return services.outcome_record(
        launch=launch, launched_on=None, metric_name=name, metric_target=target, metric_actual=None, outcome=""
    )


def test_the_metric_item_is_required_owned_by_the_readouts_owner_and_follows_the_launchs_metric(team):
    _, _, people = team
    launch = _tier_one(team)
    metric = launch.items.get(key="metric")
    assert metric.required and metric.status == "todo" and metric.title == "Primary metric and target agreed"
    assert metric.owner_role.code == "PM" and metric.owner == people["PM"] and metric.due_date == date(2027, 3, 1)
    _record(launch, "Activated accounts", None)
    assert launch.items.get(key="metric").status == "todo"  # a name without a target is not agreed
    _record(launch, "Activated accounts", Decimal("100"))
    assert launch.items.get(key="metric").status == "done"
    _record(launch, "", None)
    assert launch.items.get(key="metric").status == "todo"


def test_the_metric_item_is_not_ticked_by_hand(team):
    launch = _tier_one(team)
    metric = launch.items.get(key="metric")
    for status in ("done", "waived", "in_progress"):
        with pytest.raises(InvalidInput, match="recorded under After launch"):
            services.item_update(launch=launch, item_id=metric.pk, status=status, waive_reason="Later")
    assert launch.items.get(pk=metric.pk).status == "todo"


def test_a_launch_tiered_after_its_metric_was_agreed_starts_with_the_item_done(team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    _record(launch, "Activated accounts", Decimal("10"))
    launch.refresh_from_db()
    services.launch_set_tier(launch=launch, tier=2, reason="Planned", actor=people["PMM"])
    assert launch.items.get(key="metric").status == "done"
    services.launch_set_tier(launch=launch, tier=3, reason="Smaller", actor=people["PMM"])
    assert launch.items.filter(key="metric").exists()  # done work is never lost
    assert not launch.items.get(key="metric").is_open


def test_go_is_refused_until_the_metric_item_is_done(team):
    _, _, people = team
    launch = _tier_one(team)
    launch.items.filter(required=True).exclude(key="metric").update(status="done")
    services.tier_confirm(launch=launch, membership=people["PM"], as_code="PM")
    services.tier_confirm(launch=launch, membership=people["PMM"], as_code="PMM")
    with pytest.raises(InvalidInput, match="Primary metric and target agreed"):
        services.go_record(launch=launch, decision="go", actor=people["PM"].user)
    _record(launch, "Activated accounts", Decimal("100"))
    assert services.go_record(launch=launch, decision="go", actor=people["PM"].user).decision == "go"
    assert ReadinessItem.objects.get(launch=launch, key="metric").status == "done"


def test_the_metric_item_points_to_where_it_is_recorded(client, team):
    _, _, people = team
    launch = _tier_one(team)
    client.force_login(people["PM"].user)
    body = client.get(_url(launch)).content.decode()
    assert (
        "Open until the launch&#x27;s primary day-30 metric and its target are recorded" in body
        or "Open until the launch's primary day-30 metric and its target are recorded" in body
    )
    assert "Day-30 Readout" in body


@pytest.mark.parametrize("name, data", [("item_from_template", {"since": "0"}), ("item_role", {"role": "1"})])
def test_an_item_of_another_launch_is_not_found_not_a_server_error(client, team, name, data):
    ws, cycle, people = team
    owners_matrix(ws, letters=_without("sales-cs-enablement"))
    launch = make_launch(cycle, people)
    other = make_launch(cycle, people, name="Another launch")
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    item = launch.items.get(key="sales-training")
    client.force_login(people["editor"].user)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        assert client.post(_url(other, name, item.pk), data, **headers).status_code == 404
        assert client.post(_url(launch, name, 10**12), data, **headers).status_code == 404
    item.refresh_from_db()
    assert item.chosen_role_id is None


def test_the_row_and_the_column_that_give_open_items_their_owner_are_not_deleted_unseen(team):
    ws, cycle, people = team
    matrix = owners_matrix(ws)
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    row = Activity.objects.get(matrix=matrix, template_key="sales-cs-enablement")
    with pytest.raises(Conflict, match=r"Launches: \d+ open readiness item"):
        raci_services.activity_delete(matrix=matrix, activity_id=row.pk, actor=people["admin"].user)
    pmm = Role.objects.get(workspace=ws, code="PMM")
    with pytest.raises(Conflict, match=r"Launches: \d+ open readiness item"):
        raci_services.column_remove(matrix=matrix, role_id=pmm.pk, actor=people["admin"].user)
    assert Activity.objects.filter(pk=row.pk).exists() and matrix.columns.filter(role=pmm).exists()
    launch.items.update(status="done")  # done items keep who did them: nothing is lost
    raci_services.activity_delete(matrix=matrix, activity_id=row.pk, actor=people["admin"].user)
