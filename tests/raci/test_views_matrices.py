"""The matrix's settings page: editors change the settings; a viewer reads them, with no
form to submit (a save would be refused)."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, build_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix():
    editor = MembershipFactory(access="editor")
    return build_matrix(editor.workspace, activities=2, roles=2)[0]


def _settings(client, matrix, access):
    member = MembershipFactory(workspace=matrix.workspace, access=access)
    client.force_login(member.user)
    return client.get(reverse("raci:matrix_settings", args=[matrix.workspace.slug, matrix.slug])).content.decode()


def test_a_viewer_reads_the_settings_with_no_form_to_save(client, matrix):
    page = _settings(client, matrix, "viewer")
    main = page.split('id="main"')[1]
    assert "Save settings" not in main
    assert "<form" not in main
    assert "Editors change these settings" in main
    assert f"<dd>{matrix.name}</dd>" in main  # the settings are still shown, as text
    for tag in ("<input", "<select", "<textarea", "<fieldset"):  # nothing that looks editable
        assert tag not in main
    assert "<dt>Owner</dt>" in main


def test_an_editor_is_given_the_settings_form(client, matrix):
    page = _settings(client, matrix, "editor")
    assert "Save settings" in page
    assert "Save as template" in page
