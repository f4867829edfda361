"""`matrix_for`: the matrix, its workspace and the access in one query, and whole objects."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from raci.matrix_access import matrix_for
from raci.models import Matrix
from tests.factories import MembershipFactory, build_matrix
from tests.queries import queries_of
from workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_matrix_and_its_workspace_come_whole_in_one_query():
    member = MembershipFactory(access="editor", workspace__time_zone="Pacific/Kiritimati")
    matrix, _, _ = build_matrix(member.workspace, activities=1, roles=1)
    found, queries = queries_of(lambda: matrix_for(_request(member.user), member.workspace.slug, matrix.slug))
    assert len(queries) == 1 and found.access == "editor"
    assert found.get_deferred_fields() == set() and found.workspace.get_deferred_fields() == set()
    fresh_matrix, fresh_workspace = Matrix.objects.get(pk=matrix.pk), Workspace.objects.get(pk=member.workspace_id)

    def read_everything():
        for field in Matrix._meta.concrete_fields:
            assert getattr(found, field.attname) == getattr(fresh_matrix, field.attname), field.name
        for field in Workspace._meta.concrete_fields:
            assert getattr(found.workspace, field.attname) == getattr(fresh_workspace, field.attname), field.name
        assert found.workspace.today() == fresh_workspace.today()
        found.is_stale(found.workspace.today())

    _, hidden = queries_of(read_everything)
    assert hidden == []


def test_a_matrix_of_another_workspace_is_not_found():
    member = MembershipFactory(access="admin")
    stranger = MembershipFactory(access="admin")
    matrix, _, _ = build_matrix(stranger.workspace, activities=1, roles=1)
    with pytest.raises(Http404):
        matrix_for(_request(member.user), stranger.workspace.slug, matrix.slug)
