"""Every URL pattern of the app, with every method, as outsider, viewer, editor and admin.

The table says what each pattern needs per method; a pattern added without an entry fails
`test_every_url_pattern_is_in_the_table`.
"""

from importlib import import_module

import pytest
from django.urls import get_resolver, reverse

from raci.seeding import templates_seed
from tests.factories import MembershipFactory, UserFactory, build_matrix
from tests.module_rows import rows_for_the_module
from workspaces.models import Access

pytestmark = pytest.mark.django_db

V, E, A = Access.VIEWER, Access.EDITOR, Access.ADMIN
RANK = {"outsider": -1, V: 0, E: 1, A: 2}
METHODS = ("get", "post", "put", "patch", "delete")

# name -> ({method: access needed}, kwargs names)
TABLE = {
    "workspace": ({"get": V}, ["ws"]),
    "workspace_settings": ({"get": V, "post": A}, ["ws"]),
    "members": ({"get": V}, ["ws"]),
    "people": ({"get": V}, ["ws"]),
    "workload_marks": ({"post": A}, ["ws"]),
    "invitation_create": ({"post": A}, ["ws"]),
    "invitation_resend": ({"post": A}, ["ws", "invitation_id"]),
    "invitation_revoke": ({"post": A}, ["ws", "invitation_id"]),
    "member_update": ({"post": A}, ["ws", "member_id"]),
    "member_remove": ({"get": A, "post": A}, ["ws", "member_id"]),
    "roles": ({"get": V}, ["ws"]),
    "role_add": ({"post": E}, ["ws"]),
    "role_edit": ({"get": V, "post": E}, ["ws", "role_id"]),
    "role_holders": ({"post": A}, ["ws", "role_id"]),
    "role_holder_add": ({"post": A}, ["ws", "role_id"]),
    # The workspace's phases: admins change them.
    "phase_add": ({"post": A}, ["ws"]),
    # Replacing a secret (the webhook's; the world has no calendar feed): admins.
    "secret_rotate": ({"post": A}, ["ws", "action_webhook"]),
    "phase_rename": ({"post": A}, ["ws", "phase_key"]),
    "phase_move": ({"post": A}, ["ws", "phase_key"]),
    "phase_relay": ({"post": A}, ["ws", "phase_key"]),
    "phase_remove": ({"post": A}, ["ws", "phase_key"]),
    "role_delete": ({"post": E}, ["ws", "spare_role_id"]),
    "matrix_new": ({"get": E, "post": E}, ["ws"]),
    "default_matrix": ({"post": A}, ["ws"]),
    "matrix": ({"get": V}, ["ws", "m"]),
    "matrix_settings": ({"get": V, "post": E}, ["ws", "m"]),
    "matrix_holders": ({"get": A, "post": A}, ["ws", "m"]),
    "findings": ({"get": V}, ["ws", "m"]),
    "changes": ({"get": V}, ["ws", "m"]),
    "history": ({"get": V}, ["ws", "m"]),
    "matrix_reviewed": ({"post": E}, ["ws", "m"]),
    "decisions": ({"get": V, "post": E}, ["ws", "m"]),
    "decision_edit": ({"get": E, "post": E}, ["ws", "m", "decision_id"]),
    "decision_delete": ({"post": E}, ["ws", "m", "decision_id"]),
    "history_restore": ({"post": E}, ["ws", "m", "seq"]),
    "matrix_delete": ({"post": A}, ["ws", "m"]),
    "matrix_save_template": ({"post": E}, ["ws", "m"]),
    "cell": ({"get": E, "post": E}, ["ws", "m", "activity_id", "role_id"]),
    "activity_add": ({"post": E}, ["ws", "m"]),
    "activity_split": ({"get": E, "post": E}, ["ws", "m", "activity_id"]),
    "finding": ({"get": V}, ["ws", "m"]),
    "fix_apply": ({"post": E}, ["ws", "m"]),
    "finding_accept": ({"post": E}, ["ws", "m"]),
    "finding_withdraw": ({"post": E}, ["ws", "m"]),
    "role_handover": ({"post": E}, ["ws", "m", "role_id"]),
    "group_undo": ({"post": E}, ["ws", "m", "group"]),
    "undo": ({"post": E}, ["ws", "m"]),
    "redo": ({"post": E}, ["ws", "m"]),
    "paste": ({"get": E, "post": E}, ["ws", "m"]),
    "template_compare": ({"get": V}, ["ws", "m"]),
    "template_row_reset": ({"post": E}, ["ws", "m", "activity_id"]),
    "template_update_take": ({"post": E}, ["ws", "m"]),
    "template_updates_dismiss": ({"post": E}, ["ws", "m"]),
    "activity_edit": ({"get": E, "post": E}, ["ws", "m", "activity_id"]),
    "activity_action": ({"post": E}, ["ws", "m", "activity_id", "action_down"]),
    "column_add": ({"post": E}, ["ws", "m"]),
    "column_edit": ({"get": E, "post": E}, ["ws", "m", "role_id"]),
    "column_action": ({"post": E}, ["ws", "m", "role_id", "action_right"]),
    "workspace_create": ({"post": "any"}, []),
    "export": ({"get": V}, ["ws", "m", "fmt"]),
    "slides": ({"get": V}, ["ws", "m"]),
    "import_upload": ({"post": E}, ["ws"]),
    "import": ({"get": E}, ["ws", "import_id"]),
    "import_confirm": ({"post": E}, ["ws", "import_id"]),
    # A person's own notifications: any signed-in user; someone else's notification is 404.
    "notifications": ({"get": "any"}, []),
    "notification_badge": ({"get": "any"}, []),
    "notifications_read_all": ({"post": "any"}, []),
    "notification_settings": ({"get": "any", "post": "any"}, []),
    "notification_read": ({"post": "own"}, ["notification_id"]),
    "notification_open": ({"post": "own"}, ["notification_id"]),
    # The webhook's secret and delivery log are for admins.
    "webhook": ({"get": A, "post": A}, ["ws"]),
    "webhook_action": ({"post": A}, ["ws", "action_ping"]),
    "webhook_redeliver": ({"post": A}, ["ws", "delivery_id"]),
    # Slack and Teams channels: their addresses are secrets, their page is for admins.
    "channels": ({"get": A, "post": A}, ["ws"]),
    "channels_digest": ({"post": A}, ["ws"]),
    "channel_routing": ({"get": A, "post": A}, ["ws", "destination_id"]),
    "channel_action": ({"post": A}, ["ws", "destination_id", "action_resume"]),
    # Sign-in rules (single sign-on, claimed domains, group mapping) are for admins.
    "sign_in_rules": ({"post": A}, ["ws"]),
    "domain_claim": ({"post": A}, ["ws"]),
    "domain_release": ({"post": A}, ["ws", "domain_id"]),
    "group_mapping_add": ({"post": A}, ["ws"]),
    "group_mapping_remove": ({"post": A}, ["ws", "mapping_id"]),
}


# The apps whose pages this table covers; launches and rituals have their own.
URLCONFS = ("workspaces.urls", "notifications.urls", "dashboard.urls", "raci.urls")
NAMESPACE = {p.name: import_module(conf).app_name for conf in URLCONFS for p in get_resolver(conf).url_patterns}


# The pushed changes' stream checks access in a thread of its own, on its own connection,
# which cannot see this module's rows (they stay in one open transaction): its access is
# checked on committed rows, through a real stream server, in tests/raci/test_views_stream.py.
CHECKED_ELSEWHERE = {"stream"}


def test_every_url_pattern_is_in_the_table():
    assert set(NAMESPACE) - CHECKED_ELSEWHERE == set(TABLE)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module; each test's requests (removals included) are rolled back
    after it, so every test meets the world as built."""
    yield from rows_for_the_module(django_db_blocker, _build_world)


def _build_world():
    templates_seed()
    admin = MembershipFactory(access=A)
    ws = admin.workspace
    matrix, acts, roles = build_matrix(ws, activities=3, roles=2)
    from workspaces.services import role_create

    spare = role_create(workspace=ws, name="Spare", code="SPARE")
    from raci.models import MatrixImport
    from raci.services import activity_add, activity_delete

    extra = activity_add(matrix=matrix, name="Removed later", actor=admin.user)
    activity_delete(matrix=matrix, activity_id=extra.pk, actor=admin.user)
    deleted_seq = matrix.last_seq
    from raci import services

    group = services.cells_set(
        matrix=matrix, actor=admin.user, label="A group", changes=[services.CellChange(acts[1].pk, roles[1].pk, "I")]
    ).group
    from datetime import date

    from raci.models import Decision

    decision = Decision.objects.create(matrix=matrix, what="PMM names features", decided_on=date(2026, 11, 1))
    job = MatrixImport.objects.create(
        workspace=ws,
        matrix=matrix,
        filename="x.csv",
        data=b"Activity,PM\nA,A\n",
        status="preview",
        summary={"errors": []},
    )
    people = {"outsider": UserFactory(), A: admin.user}
    for level in (V, E):
        people[level] = MembershipFactory(workspace=ws, access=level).user
    target = MembershipFactory(workspace=ws, access=V)
    from notifications.models import Notification, Webhook, WebhookDelivery

    note = Notification.objects.create(
        user=admin.user, workspace=ws, kind="matrix_review", key="k", title="Review", url="/"
    )
    hook = Webhook.objects.create(workspace=ws, url="https://hooks.example.com/lockstep")
    delivery = WebhookDelivery.objects.create(webhook=hook, key="k", kind="ping", payload={}, status="failed")
    channel = Webhook.objects.create(
        workspace=ws, kind="slack", name="#c", url="https://hooks.slack.com/services/T/B/X", secret=""
    )
    from workspaces.invitations import invitation_create
    from workspaces.models import ClaimedDomain, GroupMapping

    domain = ClaimedDomain.objects.create(workspace=ws, domain="example.org", claimed_by=admin.user)
    mapping = GroupMapping.objects.create(workspace=ws, group="pmm", access=E)

    invited = invitation_create(workspace=ws, email="newcomer@example.com", access=V, invited_by=admin.user)
    values = {
        "invitation_id": invited.invitation.pk,
        "ws": ws.slug,
        "m": matrix.slug,
        "activity_id": acts[0].pk,
        "role_id": roles[0].pk,
        "member_id": target.pk,
        "spare_role_id": spare.pk,
        "import_id": job.pk,
        "fmt": "csv",
        "seq": deleted_seq,
        "group": group,
        "decision_id": decision.pk,
        "notification_id": note.pk,
        "delivery_id": delivery.pk,
        "destination_id": channel.pk,
        "domain_id": domain.pk,
        "mapping_id": mapping.pk,
    }
    return people, values


def _url(name, kwarg_names, values):
    kwargs = {}
    for key in kwarg_names:
        if key.startswith("action_"):
            kwargs["action"] = key.removeprefix("action_")
        elif key == "spare_role_id":
            kwargs["role_id"] = values[key]
        elif key == "phase_key":
            kwargs["key"] = "post_launch"  # a lifecycle phase no activity of the world is in
        else:
            kwargs[key] = values[key]
    return reverse(f"{NAMESPACE[name]}:{name}", kwargs=kwargs)


@pytest.mark.parametrize("who", ["outsider", V, E, A])
@pytest.mark.parametrize("name", sorted(TABLE))
def test_access_is_checked_on_every_url_and_method(client, world, name, who):
    people, values = world
    needs, kwarg_names = TABLE[name]
    url = _url(name, kwarg_names, values)
    client.force_login(people[who])
    for method in METHODS:
        for htmx in (False, True):
            headers = {"HX-Request": "true"} if htmx else {}
            response = getattr(client, method)(url, **({"headers": headers}))
            status = response.status_code
            assert status < 500, (method, url, status)
            if method not in needs:
                assert status == 405, (method, url, who, status)
            elif needs[method] == "any":
                assert status in (200, 302, 422), (method, url, who, status)
            elif needs[method] == "own":
                assert status in ((200, 302) if who == A else (404,)), (method, url, who, status)
            elif who == "outsider":
                assert status == 404, (method, url, status)
            elif RANK[who] < RANK[needs[method]]:
                assert status == 403, (method, url, who, status)
            else:
                assert status not in (403, 404, 405), (method, url, who, status)
            if (
                method == "post"
                and status in (200, 302, 409, 422)
                and name
                in (
                    "matrix_delete",
                    "member_remove",
                    "role_delete",
                    "decision_delete",
                    "phase_remove",
                    "domain_release",
                    "group_mapping_remove",
                )
            ):
                return  # the target is gone; the remaining methods were checked on the earlier loop


def test_anonymous_users_are_sent_to_sign_in(client, world):
    _, values = world
    for name, (needs, kwarg_names) in TABLE.items():
        url = _url(name, kwarg_names, values)
        method = next(iter(needs))
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_ids_from_another_workspace_give_404(client, world):
    people, values = world
    mine = MembershipFactory(access=A)
    client.force_login(mine.user)
    other_matrix, other_acts, other_roles = build_matrix(mine.workspace, activities=1, roles=1, name="Mine")
    # My own workspace and matrix in the path, the other workspace's ids in the rest.
    foreign = {
        "ws": mine.workspace.slug,
        "m": other_matrix.slug,
        "activity_id": values["activity_id"],
        "role_id": values["role_id"],
        "member_id": values["member_id"],
        "spare_role_id": values["spare_role_id"],
        "invitation_id": values["invitation_id"],
    }
    for name in (
        "cell",
        "activity_edit",
        "activity_action",
        "column_edit",
        "column_action",
        "role_edit",
        "role_holders",
        "role_holder_add",
        "role_delete",
        "member_update",
        "member_remove",
        "invitation_resend",
        "invitation_revoke",
    ):
        needs, kwarg_names = TABLE[name]
        url = _url(name, kwarg_names, foreign)
        for method in needs:
            for headers in ({}, {"HX-Request": "true"}):
                response = getattr(client, method)(
                    url, {"value": "A", "version": "1", "access": "viewer"}, headers=headers
                )
                assert response.status_code == 404, (name, method, headers, response.status_code)
