"""The workshop page's stream: each new version is announced by its number only (proposals
stay blind), to participants and members who may see the workshop, and to nobody else."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import MembershipFactory, build_matrix
from tests.streaming import EventReader, session_cookie
from workshops import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pushing")]


def stream_path(workshop) -> str:
    matrix = workshop.matrix
    return reverse("workshops:stream", args=[matrix.workspace.slug, matrix.slug, workshop.pk])


def test_a_proposal_is_announced_to_an_open_workshop_page_by_its_version_only(streams):
    facilitator = MembershipFactory(access="editor")
    other = MembershipFactory(workspace=facilitator.workspace, access="viewer")
    matrix, acts, roles = build_matrix(facilitator.workspace, activities=3, roles=3)
    workshop = services.workshop_open(
        matrix=matrix, facilitator=facilitator, title="Roles", participant_ids=[facilitator.pk, other.pk]
    )
    workshop.refresh_from_db()
    reader = EventReader(
        streams, stream_path(workshop) + f"?since={workshop.version}", cookie=session_cookie(Client(), facilitator.user)
    )
    try:
        assert reader.status == 200 and reader.next().event == "open"
        services.proposal_set(
            workshop=workshop, participant=other, activity_id=acts[0].pk, role_id=roles[1].pk, value="A"
        )
        workshop.refresh_from_db()
        event = reader.next()
        assert event.event == "structure" and json.loads(event.data) == {"seq": workshop.version}
    finally:
        reader.close()
    outsider = MembershipFactory(access="admin")
    refused = EventReader(streams, stream_path(workshop), cookie=session_cookie(Client(), outsider.user))
    assert refused.status == 404
    refused.close()
