"""No input gives a 5xx: every URL the resolver knows, with hostile values in its path,
its query string and every form field, as anonymous, outsider, viewer, editor and admin,
with GET and POST (plain, htmx, urlencoded and multipart).

Run on SQLite and on PostgreSQL: only PostgreSQL refuses NUL bytes.

A URL the table below does not know fails the test: add one entry per new URL name (its
path arguments come from PATH_ARGS by name; say here only what differs, such as the
actions it takes or the fields an htmx button posts that no form on a page shows).
"""

from __future__ import annotations

import copy
import dataclasses
import logging
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from api import tokens as api_tokens
from dashboard import seeding
from launches import services as launch_services
from launches.models import AvoidDate, CalendarFeed, Handover, Launch, LaunchCycle
from notifications.models import Notification, Webhook, WebhookDelivery
from raci import services
from raci.importing import import_create
from raci.models import Activity, ChangeEvent, Decision, Matrix
from raci.tasks import parse_import
from rituals.models import Ritual
from sharing import services as share_services
from tests.factories import MembershipFactory, UserFactory
from tests.module_rows import rows_for_the_module
from workshops import services as workshop_services
from workspaces import services as workspaces_services
from workspaces.invitations import invitation_create
from workspaces.models import Access, ClaimedDomain, GroupMapping, Membership

# Django's own admin is not ours to fuzz; the API refuses sessions (401) and is fuzzed with
# tokens against its schema instead (tests/api/test_schemathesis.py).
EXCLUDED_NAMESPACES = {"admin", "api-v1"}

# One entry per URL name (or route, for unnamed ones). Keys: `path` overrides or adds
# candidate values for path arguments; `fields` adds POST fields no page's form shows
# (htmx buttons, hand-parsed values).
URLS: dict[str, dict] = {
    "home": {},
    "favicon.ico": {},
    "login": {"fields": ["login", "password", "next"]},
    "logout": {},
    "account_login": {"fields": ["login", "password", "next"]},
    "account_logout": {},
    "account_inactive": {},
    "account_signup": {"fields": ["username", "first_name", "email", "password1", "password2"]},
    "account_reauthenticate": {"fields": ["password", "next"]},
    "account_request_reauthentication_code": {},
    "account_confirm_reauthentication_code": {"fields": ["code"]},
    "account_email": {"fields": ["email", "action_add", "action_send", "action_remove", "action_primary"]},
    "account_email_verification_sent": {},
    "account_confirm_email": {},
    "account_change_password": {"fields": ["oldpassword", "password1", "password2"]},
    "account_set_password": {"fields": ["password1", "password2"]},
    "account_confirm_login_code": {"fields": ["code"]},
    "account_reset_password": {"fields": ["email"]},
    "account_reset_password_done": {},
    "account_reset_password_from_key": {"fields": ["password1", "password2"]},
    "account_reset_password_from_key_done": {},
    "mfa_index": {},
    "mfa_authenticate": {"fields": ["code"]},
    "mfa_reauthenticate": {"fields": ["code"]},
    "mfa_activate_totp": {"fields": ["code"]},
    "mfa_deactivate_totp": {"fields": ["code"]},
    "mfa_view_recovery_codes": {},
    "mfa_generate_recovery_codes": {},
    "mfa_download_recovery_codes": {},
    "usersessions_list": {},
    "socialaccount_login_cancelled": {},
    "socialaccount_login_error": {},
    "socialaccount_signup": {"fields": ["username", "email"]},
    "socialaccount_connections": {"fields": ["account"]},
    "accounts/social/login/cancelled/": {},
    "accounts/social/login/error/": {},
    "accounts/social/signup/": {},
    "accounts/social/connections/": {},
    "openid_connect_login": {"path": {"provider_id": ["company", "bogus"]}, "fields": ["process", "next"]},
    "openid_connect_callback": {"path": {"provider_id": ["company", "bogus"]}, "fields": ["code", "state"]},
    "invitation": {"fields": ["username", "first_name", "password1", "password2"]},
    "workspaces:invitation_create": {"fields": ["email", "access"]},
    "workspaces:invitation_resend": {},
    "workspaces:invitation_revoke": {},
    "workspaces:role_holders": {"fields": ["holders"]},
    "workspaces:role_holder_add": {"fields": ["holder", "next"]},
    "notifications:notifications": {},
    "notifications:notification_badge": {},
    "notifications:notifications_read_all": {"fields": ["next"]},
    "notifications:notification_settings": {},
    "notifications:notification_read": {"fields": ["next"]},
    "notifications:notification_open": {},
    "notifications:webhook": {"fields": ["url", "active"]},
    "notifications:webhook_redeliver": {},
    "notifications:webhook_action": {"path": {"action": ["secret", "ping", "remove", "bogus"]}, "fields": ["confirm"]},
    "notifications:channels": {
        "fields": ["kind", "name", "url", "event_kinds", "matrices", "tiers", "cycles", "chosen_only", "digest"]
    },
    "notifications:channels_digest": {"fields": ["weekday", "hour"]},
    "notifications:channel_routing": {
        "fields": ["event_kinds", "matrices", "tiers", "cycles", "chosen_only", "digest"]
    },
    "notifications:channel_action": {
        "path": {"action": ["test", "resume", "remove", "bogus"]},
        "fields": ["confirm"],
    },
    "workspaces:workspace_create": {"fields": ["name"]},
    "dashboard:workspace": {},
    "workspaces:workspace_settings": {},
    "workspaces:phase_add": {"fields": ["name"]},
    "api_tokens:tokens": {"fields": ["name", "workspace", "scope", "days"]},
    "api_tokens:token_revoke": {},
    "api_tokens:workspace_tokens": {},
    "api_tokens:workspace_token_revoke": {},
    "workspaces:secret_rotate": {"path": {"action": ["feed", "webhook", "bogus"]}},
    "workspaces:phase_rename": {"fields": ["name"]},
    "workspaces:phase_move": {"fields": ["direction"]},
    "workspaces:phase_relay": {"fields": ["driver", "navigator", "was_driver", "was_navigator"]},
    "workspaces:phase_remove": {},
    "workspaces:sign_in_rules": {"fields": ["require_sso", "require_two_factor", "domain_access"]},
    "workspaces:domain_claim": {"fields": ["domain"]},
    "workspaces:domain_release": {},
    "workspaces:group_mapping_add": {"fields": ["group", "access", "roles"]},
    "workspaces:group_mapping_remove": {},
    "workspaces:members": {},
    "workspaces:member_update": {"fields": ["access"]},
    "workspaces:member_remove": {},
    "raci:people": {},
    "raci:workload_marks": {"fields": ["multiple", "floor"]},
    "workspaces:roles": {},
    "workspaces:role_add": {"fields": ["name", "code", "description", "version"]},
    "workspaces:role_edit": {"fields": ["holders"]},
    "workspaces:role_delete": {},
    "raci:matrix_new": {"fields": ["name", "template", "description"]},
    "raci:default_matrix": {"fields": ["default_matrix"]},
    "raci:matrix": {},
    "raci:findings": {},
    "raci:changes": {},
    "raci:stream": {},
    "workshops:stream": {},
    "raci:history": {},
    "raci:matrix_reviewed": {},
    "raci:decisions": {"fields": ["what", "why", "activity", "decided_by", "decided_on", "review_on"]},
    "raci:decision_edit": {},
    "raci:decision_delete": {},
    "raci:history_restore": {"fields": ["what"]},
    "raci:export": {"path": {"fmt": ["csv", "xlsx", "pdf"]}},
    "raci:slides": {},
    "raci:import_upload": {"fields": ["name", "file"]},
    "raci:import": {},
    "raci:import_confirm": {},
    "raci:matrix_settings": {},
    "raci:matrix_holders": {},
    "raci:matrix_delete": {},
    "raci:matrix_save_template": {"fields": ["template-name", "template-stage", "template-description"]},
    "raci:cell": {"fields": ["value", "version"]},
    "raci:activity_add": {"fields": ["name", "phase", "description"]},
    "raci:activity_edit": {"fields": ["name", "phase", "description", "version"]},
    "raci:activity_action": {"path": {"action": ["up", "down", "split", "delete", "bogus"]}},
    "raci:activity_split": {"fields": ["input_role", "outcome_role", "since"]},
    "raci:finding": {},
    "raci:fix_apply": {"fields": ["rule", "activity", "role", "code", "since"]},
    "raci:finding_accept": {"fields": ["rule", "activity", "role", "person", "reason", "review_on", "fingerprint"]},
    "raci:finding_withdraw": {"fields": ["rule", "activity", "role", "person"]},
    "raci:role_handover": {"fields": ["since", "to-1"]},
    "raci:group_undo": {},
    "raci:undo": {},
    "raci:redo": {},
    "raci:paste": {"fields": ["activity", "role", "text", "since"]},
    "raci:template_compare": {},
    "raci:template_row_reset": {"fields": ["since"]},
    "raci:template_update_take": {"fields": ["key", "since"]},
    "raci:template_updates_dismiss": {},
    "raci:column_add": {"fields": ["role", "name", "code"]},
    "raci:column_edit": {"fields": ["name", "code", "description", "version"]},
    "raci:column_action": {"path": {"action": ["left", "right", "remove", "bogus"]}},
    "launches:cycles": {"fields": ["quarter"]},
    "launches:rubric": {},
    "launches:avoid_dates": {"fields": ["name", "start", "end"]},
    "launches:avoid_date_remove": {},
    "launches:feed_regenerate": {"fields": ["cycle"]},
    "rituals:feed": {},
    "launches:cycle": {},
    "launches:live": {"fields": ["v"]},
    "launches:stream": {},
    "launches:launch_add": {
        "fields": ["name", "summary", "pm_owner", "pmm_owner", "matrix", "ship_date", "launch_date"]
    },
    "launches:launches_import": {"fields": ["file"]},
    "launches:calendar": {},
    "launches:quarter_now": {},
    "launches:board_now": {},
    "launches:calendar_now": {},
    "launches:quarter": {"path": {"quarter": ["2027-q1", "2027-q9", "9999-q1", "bogus"]}},
    "launches:quarter_live": {"path": {"quarter": ["2027-q1", "2027-q9", "9999-q1", "bogus"]}, "fields": ["v"]},
    "launches:load_limits": {"fields": ["person_week_limit", "week_limit"]},
    "launches:launch_move": {"fields": ["next"]},
    "rituals:occurrence_tier": {"fields": ["tier", "reason"]},
    "launches:preread": {},
    "launches:preread_export": {"path": {"fmt": ["csv", "xlsx", "pdf"]}},
    "launches:quarter_slides": {},
    "launches:retrospective": {},
    "launches:launch": {},
    "launches:launch_edit": {},
    "launches:launch_status": {"fields": ["status", "note"]},
    "launches:launch_channel": {"fields": ["channel"]},
    "launches:launch_advance": {"fields": ["to_member", "note", "version"]},
    "launches:driver_set": {"fields": ["driver"]},
    "launches:handover_accept": {},
    "launches:checkpoint_answer": {"fields": ["side", "answer", "note", "must_change", "version", "next"]},
    "launches:handover_days": {"fields": ["handover_days"]},
    "launches:launch_outcome": {
        "fields": ["launched_on", "metric_name", "metric_target", "metric_actual", "outcome", "notes"]
    },
    "launches:dependency_add": {"fields": ["before"]},
    "launches:dependency_remove": {},
    "launches:launch_score": {"fields": ["q0", "q1", "q2", "q3", "q4", "q5"]},
    "launches:launch_tier": {"fields": ["tier", "reason", "next"]},
    "launches:tier_confirm": {"fields": ["as"]},
    "launches:item_update": {"fields": ["status", "waive_reason", "evidence_url", "owner"]},
    "launches:item_role": {"fields": ["role"]},
    "launches:item_from_template": {"fields": ["since"]},
    "launches:checklist_owners": {},
    "launches:go_decision": {"fields": ["decision", "notes"]},
    "rituals:rituals": {},
    "rituals:ritual": {},
    "rituals:ritual_edit": {},
    "rituals:ritual_pause": {"fields": ["paused"]},
    "rituals:ritual_delete": {},
    "rituals:occurrence": {},
    "rituals:occurrence_notes": {"fields": ["note_0", "note_1"]},
    "rituals:occurrence_decision": {"fields": ["what", "why", "matrix", "decided_by", "review_on"]},
    "workshops:matrix_new": {"fields": ["name", "start"]},
    "workshops:list": {},
    "workshops:new": {"fields": ["title", "activities", "participants"]},
    "workshops:workshop": {},
    "workshops:live": {"fields": ["v", "s"]},
    "workshops:proposal": {"fields": ["value"]},
    "workshops:settle": {"fields": ["role", "value", "since"]},
    "workshops:split": {"fields": ["input_role", "outcome_role", "since"]},
    "workshops:note": {"fields": ["note"]},
    "workshops:invite": {"fields": ["participants"]},
    "workshops:summary": {},
    "workshops:summary_csv": {},
    "workshops:step": {"path": {"action": ["reveal", "pause", "resume", "close", "bogus"]}},
    "chat:slack": {"fields": ["text", "channel_id", "channel_name", "ssl_check", "team_id"]},
    "chat:teams": {"fields": ["text", "id", "timestamp"]},
    "chat:setup": {},
    "chat:most_asked": {},
    "chat:setup_action": {
        "path": {"action": ["slack", "teams", "channels", "forget-slack", "forget-teams", "bogus"]},
        "fields": ["version"],
    },
    "sharing:shared": {"path": {"share": ["A" * 43, "x" * 44, "%2F"]}},
    "sharing:shared_changes": {"path": {"share": ["A" * 43]}},
    "sharing:shared_slides": {"path": {"share": ["A" * 43, "x" * 44, "%2F"]}},
    "sharing:links": {"fields": ["kind", "matrix", "launch", "quarter", "days", "names", "allow_downloads"]},
    "sharing:policy": {"fields": ["share_links_by"]},
    "sharing:link_revoke": {},
    "sharing:link_origins": {"fields": ["frame_origins"]},
}

# Every query parameter a view reads; sent to every URL (the others ignore them).
QUERY_PARAMS = [
    "since",
    "person",
    "activity",
    "role",
    "page",
    "only",
    "show",
    "w",
    "confirm",
    "matrix",
    "next",
    "rule",
    "all",
    "v",
    "s",
]

HUGE_NUMBER = "9" * 30
HOSTILE = [
    "²",
    "١٢",
    "𝟗",
    "-1",
    "0",
    HUGE_NUMBER,
    "-" + HUGE_NUMBER,
    "2147483648",
    "9223372036854775808",
    "1e400",
    "NaN",
    "inf",
    "\x00",
    "a\x00b",
    "x" * 3000,
    "y" * 20_000,
    "9999-12-31",
    "0001-01-02",
    "0001-01-01",
    "10000-01-01",
    "2027-02-30",
    "23:59:60",
    "foo",
    "//evil.example/",
    "http://127.0.0.1:9/",
    "\u202eevil",
    "👩‍👩‍👧",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "",
    " ",
    "\r\n",
    "new",
    "2027-Q1",
    "9999-Q4",
    "0000-Q1",
    "A/R",
    "AR",
    "remove",
    "column",
]
PATH_HOSTILE = {
    "int": ["0", HUGE_NUMBER],
    "str": ["\x00", "x" * 400, "²"],
    "slug": ["new", "x" * 300],
    "isodate": ["9999-12-31", "0001-01-01", "2027-02-30"],
}
FILES = [
    b"Activity,PM,PMM\nPositioning,A,R\n",
    b"Activity,PM\n\x00,R\n",
    b"\x00\xff\xfe" * 100,
    b"",
    b"Name,Launch date\nX,9999-12-31\nY,\x00\n",
    b"Activity\n" + b"x" * 5000 + b"\n",
]
# One value of each kind of trouble, sent in every query parameter and field at once.
SWEEP = ["²", "١٢", "\x00", "x" * 3000, HUGE_NUMBER, "-1", "9999-12-31", "0001-01-02", "foo", "", ["1", "²"]]
PERSONAS = ["anonymous", "outsider", "viewer", "editor", "admin"]
MODES = ["GET", "GET-htmx", "POST", "POST-htmx", "POST-urlencoded"]


@dataclasses.dataclass
class Seed:
    users: dict
    path: dict  # path argument name -> valid value


def _seed() -> Seed:
    workspace = seeding.demo_seed()
    admin = Membership.objects.get(workspace=workspace, access=Access.ADMIN).user
    editor = Membership.objects.filter(workspace=workspace, access=Access.EDITOR).first()
    viewer = MembershipFactory(workspace=workspace, access=Access.VIEWER)
    outsider = UserFactory()
    workspaces_services.workspace_create(name="Elsewhere", owner=outsider)
    matrix = Matrix.objects.filter(workspace=workspace).first()
    activity = Activity.objects.filter(matrix=matrix).order_by("order").first()
    role = matrix.columns.order_by("order").first().role
    gone = services.activity_add(matrix=matrix, name="Removed once", actor=admin)
    services.activity_delete(matrix=matrix, activity_id=gone.pk, actor=admin)
    seq = ChangeEvent.objects.filter(matrix=matrix).order_by("-seq").first().seq
    group = next(
        result.group
        for value in ("I", "C")
        if (
            result := services.cells_set(
                matrix=matrix,
                actor=admin,
                label="Fuzz group",
                changes=[services.CellChange(activity.pk, role.pk, value)],
            )
        ).group
    )
    decision = Decision.objects.filter(matrix=matrix).first()
    notifications = {}
    for user in (admin, editor.user, viewer.user, outsider):
        notifications[user.pk] = Notification.objects.create(
            user=user,
            workspace=workspace,
            kind="assigned",
            key=f"fuzz-{user.pk}",
            title="Something",
            url=f"/w/{workspace.slug}/",
        ).pk
    hook = Webhook.objects.create(workspace=workspace, url="http://127.0.0.1:9/hook")
    # A Slack channel at a port nobody listens on: its test message fails at once.
    channel = Webhook.objects.create(
        workspace=workspace, kind="slack", name="#fuzz", url="http://127.0.0.1:9/services/T/B/X", secret=""
    )
    delivery = WebhookDelivery.objects.create(webhook=hook, key="fuzz", kind="ping", payload={}, status="failed")
    job = import_create(workspace=workspace, actor=admin, filename="grid.csv", data=FILES[0], new_name="Imported")
    parse_import(job.pk)
    cycle = LaunchCycle.objects.filter(workspace=workspace).first()
    launches = list(Launch.objects.filter(cycle=cycle).order_by("pk"))
    dependency = launch_services.dependency_add(launch=launches[0], before_id=launches[1].pk)
    handover = Handover.objects.create(
        launch=launches[0], from_phase="insight", to_phase="strategy", to_member=editor, created_at=timezone.now()
    )
    avoid = launch_services.avoid_date_add(workspace=workspace, name="Conference", start=timezone.localdate())
    feed = CalendarFeed.objects.get_or_create(workspace=workspace)[0]
    invited = invitation_create(
        workspace=workspace, email="invited@example.com", access=Access.EDITOR, invited_by=admin
    ).invitation
    ritual = Ritual.objects.filter(workspace=workspace).first()
    domain = ClaimedDomain.objects.create(workspace=workspace, domain="fuzz.example.net", claimed_by=admin)
    mapping = GroupMapping.objects.create(workspace=workspace, group="Fuzzers", access=Access.VIEWER)
    # Rows stored before dates were bounded where they are entered: every page reading
    # them must still answer.
    far = date(9999, 12, 31)
    Launch.objects.filter(pk=launches[-1].pk).update(launch_date=far, ship_date=date(1, 1, 2))
    launches[-1].items.update(due_date=far)
    AvoidDate.objects.create(workspace=workspace, name="Far", start=far, end=far)
    AvoidDate.objects.create(workspace=workspace, name="Early", start=date(1, 1, 2), end=date(1, 1, 2))
    Ritual.objects.create(
        workspace=workspace, name="Far ritual", cadence="monthly", starts_on=far, by_weekday=True, default_matrix=matrix
    )
    Ritual.objects.create(workspace=workspace, name="Early ritual", cadence="weekly", starts_on=date(1, 1, 2))
    Decision.objects.create(matrix=matrix, what="Far review", decided_on=date(1, 1, 2), review_on=far, created_by=admin)
    workshop = workshop_services.workshop_open(
        matrix=matrix,
        facilitator=Membership.objects.get(workspace=workspace, user=admin),
        title="Fuzz workshop",
        participant_ids=[viewer.pk, editor.pk],
    )
    workshop_services.proposal_set(
        workshop=workshop, participant=viewer, activity_id=activity.pk, role_id=role.pk, value="A"
    )
    shared = share_services.link_create(
        membership=Membership.objects.get(workspace=workspace, user=admin),
        target=share_services.Target("matrix", matrix=matrix),
        allow_downloads=True,  # so that its slides are walked too
    )
    return Seed(
        users={"anonymous": None, "outsider": outsider, "viewer": viewer.user, "editor": editor.user, "admin": admin},
        path={
            "ws": workspace.slug,
            "m": matrix.slug,
            "activity_id": activity.pk,
            "role_id": role.pk,
            "decision_id": decision.pk,
            "seq": seq,
            "group": group,
            "fmt": "csv",
            "import_id": job.pk,
            "member_id": viewer.pk,
            "notification_id": notifications,
            "delivery_id": delivery.pk,
            "destination_id": channel.pk,
            "action": "bogus",
            "cycle": cycle.slug,
            "launch_id": launches[0].pk,
            "dependency_id": dependency.pk,
            "handover_id": handover.pk,
            "item_id": launches[0].items.first().pk,
            "avoid_id": avoid.pk,
            "token": feed.token,
            "ritual_id": ritual.pk,
            "day": ritual.next_date(workspace.today()),
            "invitation_id": invited.pk,
            "uidb64": "MQ",
            "uidb36": "1",
            "quarter": "2027-q1",
            "key": "launch",
            "workshop_id": workshop.pk,
            "domain_id": domain.pk,
            "mapping_id": mapping.pk,
            "token_id": api_tokens.token_create(user=admin, workspace=workspace, name="Fuzz", scope="read").token.pk,
            "share": shared.secret,
            "link_id": shared.link.pk,
        },
    )


def url_patterns(resolver=None, prefix="", namespace=""):
    """(name, pattern) for every URL pattern, walked recursively; admin left out."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            yield (f"{namespace}{entry.name}" if entry.name else route), entry


def test_every_url_is_in_the_fuzz_table():
    names = {name for name, _ in url_patterns()}
    unknown = sorted(names - set(URLS))
    assert not unknown, f"Add these URLs to URLS in tests/test_fuzz.py: {unknown}"
    assert not sorted(set(URLS) - names), "URLS lists URLs that no longer exist"


class _Forms(HTMLParser):
    """The fields of every form on a page, by the path it posts to, with the values the
    page offers (option values, check box values, prefilled text)."""

    def __init__(self, page_path):
        super().__init__()
        self.page_path, self.forms, self.current, self.select = page_path, {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        action = attrs.get("hx-post") or attrs.get("action")
        if tag == "form":
            self.current = self.forms.setdefault(urlsplit(action or self.page_path).path or self.page_path, {})
        elif tag == "button" and attrs.get("hx-post"):
            self.forms.setdefault(urlsplit(attrs["hx-post"]).path, {})
        if self.current is None or "name" not in attrs and tag != "option":
            return
        if tag in ("input", "textarea", "button"):
            values = self.current.setdefault(attrs["name"], [])
            if attrs.get("value") is not None:
                values.append(attrs["value"])
        elif tag == "select":
            self.select = self.current.setdefault(attrs["name"], [])
        elif tag == "option" and self.select is not None and attrs.get("value") is not None:
            self.select.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


class Fuzzer:
    def __init__(self, seed: Seed):
        self.seed = seed
        self.clients = {}
        for persona, user in seed.users.items():
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            self.clients[persona] = (client, dict(client.cookies.items()))
        self.fields: dict[str, dict[str, list[str]]] = {}
        self.failures: list[str] = []

    def path_value(self, name, entry, persona):
        value = self.seed.path[name]
        if name == "notification_id":
            user = self.seed.users[persona] or self.seed.users["admin"]
            value = value.get(user.pk)
        return value

    def url(self, name, pattern, entry, persona, hostile_path=None):
        kwargs = {}
        for arg, _converter in _converters(pattern).items():
            candidates = entry.get("path", {}).get(arg)
            kwargs[arg] = candidates[0] if candidates else self.path_value(arg, entry, persona)
        if hostile_path:
            kwargs.update(hostile_path)
        if pattern.name is None:
            return "/" + name
        return reverse(name, kwargs=kwargs)

    def discover(self, patterns):
        """GET every page as admin and remember the fields of its forms."""
        client, _ = self.clients["admin"]
        for name, pattern in patterns:
            path = self.url(name, pattern, URLS[name], "admin")
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = _Forms(path)
            parser.feed(response.content.decode())
            for action, fields in parser.forms.items():
                merged = self.fields.setdefault(action, {})
                for field, values in fields.items():
                    merged.setdefault(field, []).extend(v for v in values if v not in merged.get(field, []))

    def send(self, name, persona, mode, path, query, data):
        client, cookies = self.clients[persona]
        client.cookies.clear()
        for key, morsel in cookies.items():
            client.cookies[key] = morsel.value
        headers = {"HX-Request": "true"} if mode.endswith("htmx") else {}
        url = f"{path}?{urlencode(query, doseq=True)}" if query else path
        with transaction.atomic():
            if mode.startswith("GET"):
                response = client.get(url, headers=headers)
            elif mode == "POST-urlencoded":
                body = urlencode({k: v for k, v in data.items() if not isinstance(v, SimpleUploadedFile)}, doseq=True)
                response = client.post(url, body, content_type="application/x-www-form-urlencoded", headers=headers)
            else:
                response = client.post(url, data, headers=headers)
            transaction.set_rollback(True)
        self.last_status = response.status_code
        if response.status_code >= 500 and sum(f.startswith(f"{name} ") for f in self.failures) < 3:
            shown = {
                k: (v if not isinstance(v, str) or len(v) < 40 else v[:20] + f"…({len(v)})") for k, v in data.items()
            }
            # The exception behind a 500, when the view raised one: what to fix, in the message.
            exc_info = getattr(response, "exc_info", None)
            raised = f" raised {exc_info[0].__name__}: {str(exc_info[1])[:200]}" if exc_info else ""
            self.failures.append(f"{name} {response.status_code} {persona} {mode} {url[:200]} {shown}{raised}")


def _converters(pattern: URLPattern) -> dict[str, str]:
    converters = {
        arg: type(conv).__name__.removesuffix("Converter").lower() for arg, conv in pattern.pattern.converters.items()
    }
    # allauth's regular-expression routes (and the includes above them) name their arguments
    # without converters: text.
    possibilities = get_resolver().reverse_dict.getlist(pattern.name) if pattern.name else []
    for possibility, *_ in possibilities:
        for _result, params in possibility:
            for arg in params:
                converters.setdefault(arg, "str")
    return converters


def _kind(converter_name: str) -> str:
    return {"int": "int", "string": "str", "str": "str", "slug": "slug", "path": "str"}.get(converter_name, "isodate")


# The URLs are dealt round-robin into shards, each a test of its own, so parallel workers
# share the pass; together the shards fuzz every URL as every identity. Eight small ones:
# the shard still running when the rest of a parallel run is done holds one core for less
# long, and the seed they share is built once per worker however many there are.
SHARDS = 8


@dataclasses.dataclass
class Seeded:
    seed: Seed
    fields: dict[str, dict[str, list[str]]]


def _seed_and_discover() -> Seeded:
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)  # the pages an admin cannot open answer 4xx: nothing to say
    try:
        seed = _seed()
        fuzzer = Fuzzer(seed)
        # Every page: a form on one page may post to a URL of another shard.
        fuzzer.discover([(name, pattern) for name, pattern in url_patterns() if name in URLS])
    finally:
        request_log.setLevel(level)
    return Seeded(seed, fuzzer.fields)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> Iterator[Seeded]:
    """One seed and one discovery of the pages' forms for all the shards a worker runs: every
    request a shard sends is rolled back (Fuzzer.send), so each shard still meets the seed
    as it was built."""
    yield from rows_for_the_module(django_db_blocker, _seed_and_discover)


@pytest.mark.fuzz
@pytest.mark.django_db
@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_url_answers_5xx_to_hostile_input(caplog, shard, seeded):
    caplog.set_level(logging.CRITICAL, logger="django.request")  # thousands of 4xx warnings say nothing
    patterns = list(url_patterns())
    unknown = [name for name, _ in patterns if name not in URLS]
    assert not unknown, f"Add these URLs to URLS in tests/test_fuzz.py: {unknown}"
    fuzzer = Fuzzer(seeded.seed)
    fuzzer.fields = copy.deepcopy(seeded.fields)
    for name, pattern in _shard(patterns, shard):
        _fuzz_one(fuzzer, name, pattern)
    assert not fuzzer.failures, "\n".join(fuzzer.failures)


def _gone_models() -> dict[str, type]:
    """The model each path argument names: deleting its row makes every URL naming it a
    fragment of something that no longer exists."""
    from api.models import ApiToken
    from launches.models import Dependency, ReadinessItem
    from raci.models import MatrixImport
    from sharing.models import ShareLink
    from workshops.models import Workshop
    from workspaces.models import Invitation, Role

    return {
        "m": Matrix,
        "activity_id": Activity,
        "role_id": Role,
        "decision_id": Decision,
        "import_id": MatrixImport,
        "member_id": Membership,
        "notification_id": Notification,
        "delivery_id": WebhookDelivery,
        "destination_id": Webhook,
        "launch_id": Launch,
        "dependency_id": Dependency,
        "item_id": ReadinessItem,
        "avoid_id": AvoidDate,
        "ritual_id": Ritual,
        "invitation_id": Invitation,
        "workshop_id": Workshop,
        "token_id": ApiToken,
        "link_id": ShareLink,
        "domain_id": ClaimedDomain,
        "mapping_id": GroupMapping,
    }


# The pushed changes' streams check access in a thread of their own, on a connection that
# cannot see this test's rows or its deletions (one open transaction): they answer as for
# someone signed out. Their 404 for what is gone is checked on committed rows, through a
# real stream server, in tests/raci/test_views_stream.py and the apps' stream tests.
STREAMS = {"raci:stream", "workshops:stream", "launches:stream"}


@pytest.mark.fuzz
@pytest.mark.django_db
def test_the_urls_of_deleted_objects_answer_404(caplog, seeded):
    """Someone deletes an object while another person's page still shows it: every GET and
    POST (plain and htmx, with the fields its page's form posted) to a URL naming it
    answers 404, never 5xx. A view that takes only one method may answer 405 to the other.
    The deletions are this test's transaction, rolled back: the shards meet the seed whole."""
    caplog.set_level(logging.CRITICAL, logger="django.request")
    seed = seeded.seed
    patterns = list(url_patterns())
    fuzzer = Fuzzer(seed)
    fuzzer.fields = copy.deepcopy(seeded.fields)
    wrong: list[str] = []
    for arg, model in _gone_models().items():
        naming = [
            (name, pattern) for name, pattern in patterns if arg in pattern.pattern.converters and name not in STREAMS
        ]
        assert naming, f"no URL names {arg}"
        value = seed.path[arg]
        key = "slug" if arg == "m" else "pk"
        gone = list(value.values()) if isinstance(value, dict) else [value]
        with transaction.atomic():
            model.objects.filter(**{f"{key}__in": gone}).delete()
            for name, pattern in naming:
                for persona in ("admin", "editor"):
                    path = fuzzer.url(name, pattern, URLS[name], persona)
                    fields = {field: values[0] for field, values in fuzzer.fields.get(path, {}).items() if values}
                    for mode in MODES:
                        data = {} if mode.startswith("GET") else fields
                        fuzzer.send(name, persona, mode, path, {}, data)
                        # An editor may be refused (403) what only an admin may do, deleted or not.
                        allowed = (404, 405, 403) if persona == "editor" else (404, 405)
                        if fuzzer.last_status not in allowed:
                            wrong.append(f"{arg} deleted: {name} {persona} {mode} {path} -> {fuzzer.last_status}")
            transaction.set_rollback(True)
    assert not fuzzer.failures, "\n".join(fuzzer.failures)
    assert not wrong, "\n".join(wrong)


def _shard(patterns: list, shard: int) -> list:
    return [entry for index, entry in enumerate(patterns) if index % SHARDS == shard]


def test_the_shards_together_fuzz_every_url_once():
    patterns = list(url_patterns())
    dealt = [name for shard in range(SHARDS) for name, _ in _shard(patterns, shard)]
    assert sorted(dealt) == sorted(name for name, _ in patterns)


def _fuzz_one(fuzzer: Fuzzer, name: str, pattern: URLPattern) -> None:
    entry = URLS[name]
    converters = _converters(pattern)
    base_path = fuzzer.url(name, pattern, entry, "admin")
    known = fuzzer.fields.get(base_path, {})
    field_names = sorted(set(known) | set(entry.get("fields", [])))

    # First every kind of trouble everywhere at once, as the people who reach the most code;
    # then Hypothesis mixes hostile values with the valid ones the pages offer.
    for value in SWEEP:
        everything = {field: value for field in field_names if field != "file"}
        for persona, mode in (("admin", "GET"), ("viewer", "GET"), ("admin", "POST-urlencoded")):
            fuzzer.send(name, persona, mode, base_path, dict.fromkeys(QUERY_PARAMS, value), everything)

    @hypothesis_settings(
        max_examples=10, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
    )
    @given(st.data())
    def run(data):
        persona = data.draw(st.sampled_from(PERSONAS), label="persona")
        mode = data.draw(st.sampled_from(MODES), label="mode")
        hostile_path = {}
        for arg, converter in converters.items():
            choices = entry.get("path", {}).get(arg, []) + PATH_HOSTILE[_kind(converter)]
            if data.draw(st.integers(0, 3), label=f"hostile {arg}?") == 0:
                hostile_path[arg] = data.draw(st.sampled_from(choices), label=arg)
            elif arg in entry.get("path", {}):
                hostile_path[arg] = data.draw(st.sampled_from(entry["path"][arg]), label=arg)
        try:
            path = fuzzer.url(name, pattern, entry, persona, hostile_path)
        except Exception:  # a value the converter refuses in reverse() cannot be sent either
            path = fuzzer.url(name, pattern, entry, persona)
        query = {}
        for param in data.draw(
            st.lists(st.sampled_from(QUERY_PARAMS), unique=True, max_size=len(QUERY_PARAMS)), label="query"
        ):
            query[param] = data.draw(_value(), label=param)
        form = {}
        for field in field_names:
            choice = data.draw(st.integers(0, 3), label=f"{field}?")
            if choice == 0:
                continue
            if field == "file":
                form[field] = SimpleUploadedFile(
                    "x\x00.csv" if choice == 3 else "grid.csv", data.draw(st.sampled_from(FILES), label="file")
                )
            elif choice == 1 and known.get(field):
                form[field] = data.draw(st.sampled_from(known[field]), label=field)
            else:
                form[field] = data.draw(_value(), label=field)
        fuzzer.send(name, persona, mode, path, query, form)

    run()


def _value():
    single = st.sampled_from(HOSTILE)
    return st.one_of(single, st.lists(single, min_size=2, max_size=2), st.text(max_size=12))


def test_the_fuzz_table_knows_every_path_argument():
    names = {arg for _, pattern in url_patterns() for arg in pattern.pattern.converters}
    assert names <= {
        "ws",
        "m",
        "activity_id",
        "role_id",
        "decision_id",
        "seq",
        "fmt",
        "import_id",
        "member_id",
        "notification_id",
        "delivery_id",
        "destination_id",
        "action",
        "cycle",
        "launch_id",
        "dependency_id",
        "handover_id",
        "item_id",
        "avoid_id",
        "token",
        "ritual_id",
        "day",
        "invitation_id",
        "uidb64",
        "group",
        "quarter",
        "key",
        "workshop_id",
        "token_id",
        "share",
        "link_id",
        "domain_id",
        "mapping_id",
    }, "Add the new path argument to Seed.path in _seed()"
