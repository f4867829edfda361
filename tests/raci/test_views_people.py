import pytest
from django.urls import reverse

from raci.selectors import workload
from tests.factories import MembershipFactory, build_matrix, hold
from tests.queries import assert_same_queries

pytestmark = pytest.mark.django_db


def test_workload_counts_letters_of_held_roles_and_flags_overload_and_shared_hats(client):
    me = MembershipFactory()
    other = MembershipFactory(workspace=me.workspace)
    letters = {(i, 0): "AR" for i in range(8)} | {(i, 1): "C" for i in range(8)} | {(0, 2): "R"}
    matrix, acts, roles = build_matrix(me.workspace, activities=8, roles=3, letters=letters)
    hold(roles[0], me)
    hold(roles[1], me)
    hold(roles[2], other)
    loads = {load.membership.pk: load for load in workload(workspace=me.workspace)}
    mine = loads[me.pk]
    assert mine.counts == {"R": 8, "A": 8, "C": 8, "I": 0}
    assert any(n.startswith("overloaded-role") for n in mine.findings)
    assert any(n.startswith("shared-hats") for n in mine.findings)
    assert loads[other.pk].counts == {"R": 1, "A": 0, "C": 0, "I": 0}
    assert mine.heat["A"] == 5 and loads[other.pk].heat["A"] == 0
    client.force_login(me.user)
    html = client.get(reverse("raci:people", args=[me.workspace.slug])).content.decode()
    assert 'class="h h5">8<' in html


def test_people_page_queries_do_not_grow_with_matrices(client):
    me = MembershipFactory()
    client.force_login(me.user)
    have = []

    def build(size):
        for i in range(len(have), size):
            have.append(build_matrix(me.workspace, activities=4, roles=3, name=f"M{i}"))

    assert_same_queries(build, lambda _: client.get(reverse("raci:people", args=[me.workspace.slug])),
                        sizes=(3, 8), at_most=10)
