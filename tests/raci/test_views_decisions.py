from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import errors
from raci import services as raci_services
from raci.models import Decision, Matrix
from tests.factories import MembershipFactory, build_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    me = MembershipFactory(access="editor")
    matrix, acts, roles = build_matrix(me.workspace, activities=3, roles=2)
    client.force_login(me.user)
    return me, matrix, acts


def test_recording_a_decision_about_an_activity(client, setup):
    me, matrix, acts = setup
    url = reverse("raci:decisions", args=[matrix.workspace.slug, matrix.slug])
    response = client.post(
        url,
        {
            "what": "PMM is accountable for naming",
            "why": "Marketability wins",
            "activity": acts[0].pk,
            "decided_by": me.user_id,
            "decided_on": "2026-11-01",
            "review_on": "2027-02-01",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.activity, decision.decided_by, decision.created_by) == (acts[0], me.user, me.user)
    page = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])).content.decode()
    assert "⚖ 1" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"what": ""}, "required"),
        ({"what": "x" * 501}, "at most 500"),
        ({"review_on": "2026-10-01"}, "comes after the decision date"),
    ],
)
def test_bad_decisions_are_refused_in_place(client, setup, data, message):
    _, matrix, _ = setup
    url = reverse("raci:decisions", args=[matrix.workspace.slug, matrix.slug])
    form = {"what": "Something", "decided_on": "2026-11-01", **data}
    response = client.post(url, form)
    assert response.status_code == 422 and message in response.content.decode()
    assert not Decision.objects.exists()


def test_a_decision_about_another_matrixs_activity_is_refused(client, setup):
    me, matrix, _ = setup
    _, other_acts, _ = build_matrix(me.workspace, activities=1, roles=1, name="Other")
    with pytest.raises(errors.InvalidInput):
        raci_services.decision_add(
            matrix=matrix,
            actor=me.user,
            what="x",
            why="",
            activity_id=other_acts[0].pk,
            decided_by_id=None,
            decided_on=date(2026, 1, 1),
            review_on=None,
        )


def test_decisions_due_for_review_are_listed_on_the_matrix_page(client, setup):
    me, matrix, acts = setup
    today = timezone.localdate()
    Decision.objects.create(
        matrix=matrix,
        activity=acts[1],
        what="Sales owns battlecards",
        decided_on=today - timedelta(days=100),
        review_on=today - timedelta(days=1),
    )
    Decision.objects.create(matrix=matrix, what="Not yet", decided_on=today, review_on=today + timedelta(days=30))
    page = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])).content.decode()
    assert "1 decision due for review" in page and "Sales owns battlecards" in page and "Not yet" not in page


def test_a_stale_matrix_says_so_on_its_page_and_in_the_list(client, setup):
    me, matrix, _ = setup
    Matrix.objects.filter(pk=matrix.pk).update(
        review_cadence_days=30, last_reviewed_on=timezone.localdate() - timedelta(days=31)
    )
    page = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])).content.decode()
    assert "Due for review" in page
    assert "review due" in client.get(reverse("dashboard:workspace", args=[matrix.workspace.slug])).content.decode()
    client.post(reverse("raci:matrix_reviewed", args=[matrix.workspace.slug, matrix.slug]))
    assert (
        "Due for review"
        not in client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])).content.decode()
    )


def test_the_owner_is_set_in_settings(client, setup):
    me, matrix, _ = setup
    other = MembershipFactory(workspace=me.workspace)
    url = reverse("raci:matrix_settings", args=[matrix.workspace.slug, matrix.slug])
    response = client.post(
        url,
        {
            "name": matrix.name,
            "max_responsible": 3,
            "max_consulted": 4,
            "overload_min_activities": 8,
            "overload_percent": 75,
            "review_cadence_days": 90,
            "owner": other.user_id,
        },
    )
    assert response.status_code == 302
    matrix.refresh_from_db()
    assert (matrix.owner, matrix.review_cadence_days) == (other.user, 90)
