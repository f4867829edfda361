"""No word a user does not know: no page, e-mail, export or history entry names a "seed" or
shows an internal id ("outcome_id 40").

The demo `make run` shows and the test world are built side by side, with a split row, a
new matrix owner and reminders due so the history and every kind of e-mail have something
to say (once for the module); then every page reachable by a link (or an htmx GET) is read
as each identity, a few of each kind, with the exports those pages link (each identity's
walk a test of its own), and every e-mail sent on the way.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from accounts import services as account_services
from dashboard.seeding import demo_seed
from launches.reminders import readiness_tick, readouts_tick
from notifications import mailing
from notifications.models import EmailMode, Notification, NotificationKind
from raci import reminders as raci_reminders
from raci import services as raci_services
from raci.models import Matrix
from rituals.services import rituals_tick
from tests.module_rows import rows_for_the_module
from tests.world import USERS, World, build_world
from workspaces.invitations import invitation_create
from workspaces.models import Membership, Role, Workspace

pytestmark = pytest.mark.django_db(transaction=False)

UNKNOWN = re.compile(r"seed \d{3}|seed 00\d|\w+_id \d+|\bseeds?\b", re.IGNORECASE)
PER_KIND = 2  # pages read per (URL name, query keys) and identity
NOT_PAGES = ("/admin/", "/static/", "/logout/", "/accounts/logout/")
# Pages (answered 200) each identity's walk reads at least (from 54 for the viewer to 84 for
# the test world's admin today): a walk that stops short has missed most of the product.
MIN_PAGES = 40


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "hx-get"):
            if attrs.get(name) and (tag == "a" or name == "hx-get"):
                self.urls.append(attrs[name])


def _text_of(response) -> str:
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
        )
    if kind.startswith("application/pdf"):
        return body.decode("latin-1")
    return body.decode("utf-8", errors="replace")


def _kind(url: str) -> tuple[str, tuple[str, ...]] | None:
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = tuple(sorted({k.split("=")[0] for k in parts.query.split("&") if k}))
    return (match.view_name, keys)


def _read_all(client: Client, starts: list[str]) -> dict[str, str]:
    """Every page and export reachable from `starts`, PER_KIND of each kind: url -> text."""
    seen: dict[str, str] = {}
    per_kind: Counter = Counter()
    queue = list(starts)
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or url in seen:
            continue
        if any(parts.path.startswith(p) for p in NOT_PAGES):
            continue
        kind = _kind(url)
        if kind is None or per_kind[kind] >= PER_KIND:
            continue
        per_kind[kind] += 1
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200:
            seen[url] = ""
            continue
        seen[url] = text = _text_of(response)
        if "text/html" in response.get("Content-Type", ""):
            parser = Links()
            parser.feed(text)
            queue.extend(urljoin(url, link).split("#")[0] for link in parser.urls)
    return seen


def _offences(texts: dict[str, str]) -> list[str]:
    """Each unknown word, in the markup (attributes included) and in the text as read."""
    found = []
    for where, text in texts.items():
        read = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))
        for match in [*UNKNOWN.finditer(text), *UNKNOWN.finditer(read)]:
            start = max(0, match.start() - 60)
            found.append(f"{where}: …{match.string[start : match.end() + 60]!r}…")
    return found


def _history_worth_reading(matrix: Matrix, actor) -> None:
    """A split row (its history once showed "outcome_id 40") and a new owner."""
    pm, pmm = (Role.objects.get(workspace=matrix.workspace, code=code) for code in ("PM", "PMM"))
    activity = matrix.activities.get(name="Naming")
    raci_services.activity_split(
        matrix=matrix, activity_id=activity.pk, input_role_id=pm.pk, outcome_role_id=pmm.pk, actor=actor
    )
    other = Membership.objects.filter(workspace=matrix.workspace).exclude(user=actor).first()
    raci_services.matrix_set_owner(matrix=matrix, owner_id=other.user_id, actor=actor)


def _every_mail() -> None:
    """Reminders due on several days, a digest, and each mail an account sends."""
    today = timezone.localdate()
    for days in (-40, -3, 0, 1, 2, 13, 28, 30, 60, 100):
        day = today + timedelta(days=days)
        readiness_tick(day)
        readouts_tick(day)
        raci_reminders.reviews_tick(day)
        rituals_tick(today=day)
    raci_reminders.letters_tick()
    someone = Notification.objects.order_by("pk").first()
    Notification.objects.filter(user=someone.user).update(email=EmailMode.DIGEST, emailed_at=None)
    mailing.send_digest(someone.user_id, f"daily:{today.isoformat()}")
    for notification in Notification.objects.exclude(user=someone.user):
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None, email=EmailMode.NOW)
        mailing.email_notification(notification.pk)
    demo = Membership.objects.select_related("workspace", "user").get(user__username="demo")
    invitation_create(workspace=demo.workspace, email="new.person@example.com", access="editor", invited_by=demo.user)
    account_services.mail_already_registered(email="priya@example.com", invitation_link="http://testserver/x/")
    Client().post(
        reverse("account_signup"),
        {
            "username": "newbie",
            "first_name": "New",
            "email": "newbie@example.com",
            "password1": "x9!Lk2-pQr",
            "password2": "x9!Lk2-pQr",
        },
    )
    Client().post(reverse("account_reset_password"), {"email": "priya@example.com"})


@dataclass
class Everything:
    workspace: Workspace
    world: World
    mails: list[EmailMessage]


def _build() -> Everything:
    workspace = demo_seed()
    demo = Membership.objects.get(workspace=workspace, user__username="demo").user
    _history_worth_reading(Matrix.objects.get(workspace=workspace), demo)
    world = build_world()
    mail.outbox = []
    _every_mail()
    return Everything(workspace, world, list(mail.outbox))


@pytest.fixture(scope="module")
def everything(django_db_setup, django_db_blocker):
    """Built once for the module: each identity's walk reads it (and writes only its own
    session, in a savepoint rolled back after its test)."""
    yield from rows_for_the_module(django_db_blocker, _build)


def _starts(username: str, everything: Everything) -> list[str]:
    if username == "demo":
        return ["/", f"/w/{everything.workspace.slug}/"]
    if username in USERS.values():
        return ["/", *everything.world.shared_urls().values()]
    return ["/"]


# The demo's admin and its two editors, and the test world's admin, editor, PMM lead and viewer:
# each walk is a test of its own, so parallel workers share them.
IDENTITIES = ["demo", "priya", "marco", *USERS.values()]


@pytest.mark.parametrize("username", IDENTITIES)
def test_no_page_or_export_names_a_seed_or_an_internal_id(everything, username):
    client = Client()
    client.force_login(Membership.objects.filter(user__username=username).first().user)
    pages = _read_all(client, _starts(username, everything))
    texts = {f"{username} {url}": text for url, text in pages.items()}
    assert len([text for text in texts.values() if text]) >= MIN_PAGES
    assert _offences(texts) == []


def test_no_mail_names_a_seed_or_an_internal_id(everything):
    mails = everything.mails
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds >= {NotificationKind.LETTERS, NotificationKind.LAUNCH_TIER, NotificationKind.ITEM_ASSIGNED}
    assert any("digest" in m.subject for m in mails)
    assert _offences({f"mail “{m.subject}” to {m.to}": f"{m.subject}\n{m.body}" for m in mails}) == []
