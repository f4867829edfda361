"""`role_ensure`: the one way a role is created by code, renamed when its name is taken."""

from __future__ import annotations

import pytest

from tests.factories import WorkspaceFactory
from tests.queries import queries_of
from workspaces.models import Role
from workspaces.services import role_ensure

pytestmark = pytest.mark.django_db


def test_a_missing_role_is_created_with_its_name_and_description():
    workspace = WorkspaceFactory()
    role = role_ensure(workspace=workspace, code="pmm", name="Product Marketing", description=" Tells the story ")
    assert (role.code, role.name, role.description) == ("PMM", "Product Marketing", "Tells the story")
    assert Role.objects.filter(workspace=workspace).count() == 1


def test_a_role_with_the_code_in_any_case_is_returned_unchanged():
    workspace = WorkspaceFactory()
    have = Role.objects.create(workspace=workspace, code="PM", name="Our PM")
    assert role_ensure(workspace=workspace, code="pm", name="Product Manager") == have
    assert Role.objects.get(pk=have.pk).name == "Our PM"
    assert Role.objects.filter(workspace=workspace).count() == 1


def test_a_taken_name_gets_the_code_after_it():
    workspace = WorkspaceFactory()
    Role.objects.create(workspace=workspace, code="PRODUCT", name="product manager")
    role = role_ensure(workspace=workspace, code="PM", name="Product Manager")
    assert role.name == "Product Manager (PM)"


def test_when_the_suffixed_name_is_taken_too_a_number_follows():
    workspace = WorkspaceFactory()
    Role.objects.create(workspace=workspace, code="X1", name="Product Manager")
    Role.objects.create(workspace=workspace, code="X2", name="Product Manager (PM)")
    assert role_ensure(workspace=workspace, code="PM", name="Product Manager").name == "Product Manager (PM 2)"


def test_another_workspaces_roles_are_not_seen():
    mine, theirs = WorkspaceFactory(), WorkspaceFactory()
    other = Role.objects.create(workspace=theirs, code="PM", name="Product Manager")
    role = role_ensure(workspace=mine, code="PM", name="Product Manager")
    assert role != other and role.workspace == mine and role.name == "Product Manager"


def test_a_long_name_still_fits_with_its_code():
    workspace = WorkspaceFactory()
    Role.objects.create(workspace=workspace, code="X", name="n" * 200)
    role = role_ensure(workspace=workspace, code="LONGCODE", name="n" * 250)
    assert len(role.name) <= 200 and role.name.endswith(" (LONGCODE)")


def test_creating_costs_two_queries_and_finding_one():
    workspace = WorkspaceFactory()
    _, created = queries_of(lambda: role_ensure(workspace=workspace, code="PM", name="Product Manager"))
    _, found = queries_of(lambda: role_ensure(workspace=workspace, code="PM", name="Product Manager"))
    assert (len(created), len(found)) == (2, 1)
