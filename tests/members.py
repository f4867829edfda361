"""The people of a test, the same in every app: `anonymous, outsider, viewer, editor, admin`.

Each app's `conftest.py` imports these fixtures. `viewer`, `editor` and `admin` are
memberships of one workspace (`members_workspace`); `outsider` is an admin of another
workspace; `anonymous` is the test client signed in as nobody. A member fixture signs the
test's `client` in as itself, so a test that asks for one person just uses `client`; a
test that asks for several signs in the one it means (`client.force_login(viewer.user)`).
"""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory, WorkspaceFactory
from workspaces.models import Access, Membership


def _member(client, workspace, access: str) -> Membership:
    member = MembershipFactory(workspace=workspace, access=access)
    client.force_login(member.user)
    return member


@pytest.fixture
def members_workspace(db):
    return WorkspaceFactory()


@pytest.fixture
def anonymous(client):
    client.logout()
    return client


@pytest.fixture
def outsider(client, db) -> Membership:
    """An admin of another workspace."""
    return _member(client, WorkspaceFactory(), Access.ADMIN)


@pytest.fixture
def viewer(client, members_workspace) -> Membership:
    return _member(client, members_workspace, Access.VIEWER)


@pytest.fixture
def editor(client, members_workspace) -> Membership:
    return _member(client, members_workspace, Access.EDITOR)


@pytest.fixture
def admin(client, members_workspace) -> Membership:
    return _member(client, members_workspace, Access.ADMIN)
