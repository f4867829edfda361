"""The workspace settings page: its name and the time zone ritual times are given in.
Admins change them, others read them; a zone that is not an IANA name is refused."""

import pytest
from django.urls import reverse

from core import errors as core_errors
from tests.factories import MembershipFactory
from workspaces import services
from workspaces.models import Access, Workspace

pytestmark = pytest.mark.django_db


def _url(workspace):
    return reverse("workspaces:workspace_settings", args=[workspace.slug])


def test_a_workspace_starts_in_utc(admin):
    assert admin.workspace.time_zone == "UTC" and str(admin.workspace.zone) == "UTC"


def test_an_admin_sets_the_name_and_the_time_zone(client, admin):
    client.force_login(admin.user)
    page = client.get(_url(admin.workspace)).content.decode()
    assert '<option value="Europe/Paris">Europe/Paris</option>' in page and '<option value="UTC" selected>' in page
    response = client.post(_url(admin.workspace), {"name": "Growth", "time_zone": "America/New_York"})
    assert response.status_code == 302 and response["Location"] == _url(admin.workspace)
    workspace = Workspace.objects.get(pk=admin.workspace.pk)
    assert (workspace.name, workspace.time_zone) == ("Growth", "America/New_York")
    assert '<option value="America/New_York" selected>' in client.get(_url(workspace)).content.decode()


def test_a_zone_that_does_not_exist_is_refused_at_its_field(client, admin):
    client.force_login(admin.user)
    response = client.post(_url(admin.workspace), {"name": "Growth", "time_zone": "Mars/Olympus"})
    assert response.status_code == 422 and "Mars/Olympus" in response.content.decode()
    assert Workspace.objects.get(pk=admin.workspace.pk).time_zone == "UTC"


def test_others_read_the_zone_and_cannot_change_it(client, admin):
    editor = MembershipFactory(workspace=admin.workspace, access=Access.EDITOR)
    services.workspace_update(workspace=admin.workspace, name=admin.workspace.name, time_zone="Asia/Tokyo")
    client.force_login(editor.user)
    body = client.get(_url(admin.workspace)).content.decode()
    assert "Asia/Tokyo" in body and "<select" not in body
    assert client.post(_url(admin.workspace), {"name": "X", "time_zone": "UTC"}).status_code == 403
    assert Workspace.objects.get(pk=admin.workspace.pk).time_zone == "Asia/Tokyo"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "utc ", "Europe/paris", "../etc/passwd"])
def test_the_service_refuses_anything_but_an_iana_zone(admin, zone):
    with pytest.raises(core_errors.InvalidInput) as refused:
        services.workspace_update(workspace=admin.workspace, name="Growth", time_zone=zone)
    assert refused.value.field == "time_zone"
    assert Workspace.objects.get(pk=admin.workspace.pk).name != "Growth"
