"""The API's people: members of one workspace with read and write tokens, and an outsider."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from api import tokens
from raci import services
from raci.models import Template
from raci.seeding import templates_seed
from tests.factories import MembershipFactory, RoleFactory, WorkspaceFactory, hold
from workspaces.models import Access, Membership


@dataclass
class Api:
    client: object

    def call(self, method: str, path: str, secret: str | None = None, body=None, **headers):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        if secret is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        kwargs = {}
        if body is not None:
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
        "activity_ids": list(matrix.activities.values_list("id", flat=True)),
        "role_ids": list(matrix.columns.values_list("role_id", flat=True)),
    }
