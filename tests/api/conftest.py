"""The API's people: members of one workspace with read and write tokens, and an outsider."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api import tokens
from launches import services as launch_services
from launches.models import Dependency
from notifications.models import Notification
from raci import services
from raci.importing import import_create
from raci.models import Matrix, Template
from raci.seeding import templates_seed
from rituals.services import rituals_seed_defaults
from tests.factories import MembershipFactory, RoleFactory, WorkspaceFactory, hold
from tests.module_rows import rows_for_the_module
from workshops import services as workshop_services
from workspaces.models import Access, Membership, Workspace


@dataclass(frozen=True)
class Upload:
    """A multipart body (an import's file and fields), made afresh for each request."""

    fields: dict
    filename: str = "matrix.csv"
    content: bytes = b"Activity,PM,PMM\nPricing,C,A/R\n"

    def form(self) -> dict:
        return {**self.fields, "file": SimpleUploadedFile(self.filename, self.content)}


@dataclass
class Api:
    client: object

    def call(self, method: str, path: str, secret: str | None = None, body=None, **headers):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        if secret is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        kwargs: dict = {}
        if isinstance(body, Upload):
            kwargs = {"data": body.form()}
        elif body is not None:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        return getattr(self.client, method.lower())(path, **kwargs, **extra)


@pytest.fixture
def api(client):
    return Api(client)


def token_for(membership: Membership, scope: str = "write") -> str:
    return tokens.token_create(
        user=membership.user, workspace=membership.workspace, name=f"{membership.access} {scope}", scope=scope
    ).secret


@pytest.fixture
def world(db):
    """A workspace with a matrix from the default template, its people and their tokens."""
    return build_world()


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """`world`'s rows built once for a module whose tests each roll back what they write:
    a module overrides `world` with `shared_world` (fresh objects for each test)."""
    yield from rows_for_the_module(django_db_blocker, build_world)


@pytest.fixture
def shared_world(db, module_world):
    """The module's world as new objects for this test: a test may change or delete the
    objects it is given (Model.delete() clears the pk), the rows come back after it."""
    memberships = Membership.objects.select_related("user", "workspace")
    fresh = {key: memberships.get(pk=module_world[key].pk) for key in ("admin", "editor", "viewer", "outsider")}
    return {
        **module_world,
        **fresh,
        "ws": Workspace.objects.get(pk=module_world["ws"].pk),
        "matrix": Matrix.objects.get(pk=module_world["matrix"].pk),
        "tokens": dict(module_world["tokens"]),
        "activity_ids": list(module_world["activity_ids"]),
        "role_ids": list(module_world["role_ids"]),
        "item_ids": list(module_world["item_ids"]),
    }


def build_world() -> dict:
    templates_seed()
    admin = MembershipFactory(access=Access.ADMIN)
    ws = admin.workspace
    editor = MembershipFactory(workspace=ws, access=Access.EDITOR)
    viewer = MembershipFactory(workspace=ws, access=Access.VIEWER)
    template = Template.objects.get(workspace__isnull=True, is_default=True)
    matrix = services.matrix_create(workspace=ws, name="Launch matrix", template=template, actor=admin.user)
    pm = RoleFactory(workspace=ws, code="XPM", name="Extra PM")
    hold(pm, editor)
    other = MembershipFactory(workspace=WorkspaceFactory(), access=Access.ADMIN)
    cycle = launch_services.cycle_create(workspace=ws, quarter="2027-Q1")
    launch = launch_services.launch_create(
        cycle=cycle, name="Usage-based billing", pm_owner_id=editor.pk, pmm_owner_id=admin.pk, matrix_id=matrix.pk
    )
    launch_services.launch_set_tier(launch=launch, tier=2, reason="A test launch", actor=admin)
    earlier = launch_services.launch_create(cycle=cycle, name="Billing settings page")
    dependency = Dependency.objects.create(launch=launch, before=earlier)
    upload = import_create(
        workspace=ws, actor=editor.user, filename="team.csv", data=b"Activity,PM\nPricing,A\n", new_name="From a file"
    )
    ritual = rituals_seed_defaults(workspace=ws)[0]
    workshop = workshop_services.workshop_open(
        matrix=matrix, facilitator=editor, title="Who owns launch work", participant_ids=[viewer.pk, admin.pk]
    )
    return {
        "ws": ws,
        "matrix": matrix,
        "admin": admin,
        "editor": editor,
        "viewer": viewer,
        "outsider": other,
        "tokens": {
            (who.access, scope): token_for(who, scope) for who in (admin, editor, viewer) for scope in ("read", "write")
        },
        "outsider_token": token_for(other, "write"),
        "cycle": cycle,
        "launch": launch,
        "earlier": earlier,
        "dependency": dependency,
        "workshop": workshop,
        "import": upload,
        "ritual": ritual,
        "meeting_day": ritual.next_date(ws.today()),
        "notification": Notification.objects.filter(user=viewer.user, workspace=ws).first(),
        "item_ids": list(launch.items.values_list("id", flat=True)),
        "activity_ids": list(matrix.activities.values_list("id", flat=True)),
        "role_ids": list(matrix.columns.values_list("role_id", flat=True)),
    }
