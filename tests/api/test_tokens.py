"""Tokens: made and shown once, stored hashed, bound to a workspace, revocable, expiring,
and never more powerful than their owner's access now."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from core.errors import Forbidden
from tests.api.conftest import token_for
from tests.factories import MembershipFactory
from workspaces import services as workspace_services
from workspaces.handover import holdings_of
from workspaces.models import Access, Membership


@pytest.fixture
def world(shared_world):
    """Built once for the module: every test's writes are rolled back after it."""
    return shared_world


def test_a_token_is_shown_once_and_stored_only_as_its_hash(world):
    new = tokens.token_create(user=world["editor"].user, workspace=world["ws"], name="CI", scope="read")
    assert new.secret.startswith("lks_") and len(new.secret) > 40
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert new.secret not in (stored.digest, stored.prefix, stored.name)
    assert stored.digest == tokens.digest_of(new.secret)
    assert stored.expires_at - timezone.now() > timedelta(days=89)


def test_making_a_token_tells_its_owner_by_email(world, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tokens.token_create(user=world["editor"].user, workspace=world["ws"], name="Wiki sync", scope="write")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world["editor"].user.email]
    assert "Wiki sync" in message.body and "revoke" in message.body.lower()


@pytest.mark.parametrize("days", [0, 366, -5])
def test_a_token_lasts_at_most_a_year(world, days):
    with pytest.raises(Exception, match="1 to 365 days"):
        tokens.token_create(user=world["editor"].user, workspace=world["ws"], name="x", scope="read", days=days)


def test_a_token_of_a_workspace_the_person_is_not_in_is_refused(world):
    with pytest.raises(Exception, match="No such workspace"):
        tokens.token_create(user=world["outsider"].user, workspace=world["ws"], name="x", scope="read")


def test_the_account_page_shows_a_new_token_once_and_lists_it_after(client, world):
    client.force_login(world["editor"].user)
    answer = client.post(
        reverse("api_tokens:tokens"), {"name": "Sync", "workspace": world["ws"].slug, "scope": "write", "days": 30}
    )
    assert answer.status_code == 200
    secret = answer.context["created"].secret
    assert secret in answer.content.decode()
    again = client.get(reverse("api_tokens:tokens")).content.decode()
    assert secret not in again and "Sync" in again


def test_the_account_page_refuses_a_workspace_the_person_is_not_in(client, world):
    client.force_login(world["editor"].user)
    answer = client.post(
        reverse("api_tokens:tokens"),
        {"name": "x", "workspace": world["outsider"].workspace.slug, "scope": "read", "days": 3},
    )
    assert answer.status_code == 422
    assert not ApiToken.objects.filter(user=world["editor"].user, name="x").exists()


def test_a_revoked_token_answers_401(api, world):
    secret = token_for(world["editor"], "read")
    token = ApiToken.objects.get(digest=tokens.digest_of(secret))
    assert api.call("get", f"/api/v1/w/{world['ws'].slug}", secret).status_code == 200
    tokens.token_revoke(token_id=token.pk, workspace=world["ws"], actor=world["editor"].user)
    assert api.call("get", f"/api/v1/w/{world['ws'].slug}", secret).status_code == 401


def test_an_expired_token_answers_401(api, world):
    secret = tokens.token_create(
        user=world["editor"].user, workspace=world["ws"], name="short", scope="read", days=1
    ).secret
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert api.call("get", f"/api/v1/w/{world['ws'].slug}", secret).status_code == 401


def test_a_removed_members_tokens_stop_and_are_revoked(api, world):
    secret = world["tokens"][("editor", "write")]
    workspace_services.membership_remove(
        membership=world["editor"], handover=_to_admin(world), actor=world["admin"].user
    )
    assert api.call("get", f"/api/v1/w/{world['ws'].slug}", secret).status_code == 401
    assert not ApiToken.objects.filter(user=world["editor"].user, revoked_at__isnull=True).exists()


def _to_admin(world):
    """What the editor holds goes to nobody where it may, else to the admin (a launch they own)."""
    return {h.key: None if h.nobody_ok else world["admin"].pk for h in holdings_of(membership=world["editor"])}


def test_the_removal_page_says_the_members_tokens_stop(client, world):
    token_for(world["editor"], "write")
    client.force_login(world["admin"].user)
    page = client.get(reverse("workspaces:member_remove", args=[world["ws"].slug, world["editor"].pk]))
    assert "stop" in page.content.decode() and "editor write" in page.content.decode()


def test_a_demoted_members_write_token_cannot_write_at_once(api, world):
    secret = world["tokens"][("editor", "write")]
    path = f"/api/v1/w/{world['ws'].slug}/matrices/{world['matrix'].slug}/activities"
    assert api.call("post", path, secret, {"name": "First"}).status_code == 201
    workspace_services.member_update(workspace=world["ws"], membership_id=world["editor"].pk, access=Access.VIEWER)
    assert api.call("post", path, secret, {"name": "Second"}).status_code == 403


def _named_token(membership, name: str, scope: str) -> ApiToken:
    made = tokens.token_create(user=membership.user, workspace=membership.workspace, name=name, scope=scope)
    return ApiToken.objects.get(digest=tokens.digest_of(made.secret))


def test_demoting_a_member_shows_their_tokens_where_it_is_done(client, world):
    _named_token(world["editor"], "Wiki sync", "write")
    client.force_login(world["admin"].user)
    answer = client.post(
        reverse("workspaces:member_update", args=[world["ws"].slug, world["editor"].pk]),
        {"access": Access.VIEWER},
        follow=True,
    )
    page = answer.content.decode()
    # The warning names the tokens and the access they now act with; the member's row lists them too.
    assert "API token “Wiki sync” (write)" in page and "viewer access" in page
    assert page.count("Wiki sync") == 2


def test_the_members_page_lists_live_tokens_to_admins_only(client, world):
    _named_token(world["editor"], "BI export", "read")
    revoked = _named_token(world["editor"], "Old script", "write")
    revoked.revoked_at = timezone.now()
    revoked.save(update_fields=["revoked_at"])
    members = reverse("workspaces:members", args=[world["ws"].slug])
    client.force_login(world["admin"].user)
    page = client.get(members).content.decode()
    assert "API token “BI export” (read)" in page and "Old script" not in page
    client.force_login(world["viewer"].user)
    assert "BI export" not in client.get(members).content.decode()


def test_admins_see_every_token_of_their_workspace_and_revoke_any(client, world):
    secret = token_for(world["editor"], "read")
    token = ApiToken.objects.get(digest=tokens.digest_of(secret))
    client.force_login(world["admin"].user)
    page = client.get(reverse("api_tokens:workspace_tokens", args=[world["ws"].slug])).content.decode()
    assert token.name in page and token.prefix in page and secret not in page
    client.post(reverse("api_tokens:workspace_token_revoke", args=[world["ws"].slug, token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == world["admin"].user


def test_an_editor_cannot_see_or_revoke_the_workspaces_tokens(client, world):
    secret = token_for(world["admin"], "read")
    token = ApiToken.objects.get(digest=tokens.digest_of(secret))
    client.force_login(world["editor"].user)
    assert client.get(reverse("api_tokens:workspace_tokens", args=[world["ws"].slug])).status_code == 403
    client.post(reverse("api_tokens:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_last_use_is_kept_to_the_minute(api, world):
    secret = world["tokens"][("viewer", "read")]
    token = ApiToken.objects.get(digest=tokens.digest_of(secret))
    api.call("get", f"/api/v1/w/{world['ws'].slug}", secret)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and first.second == 0
    api.call("get", f"/api/v1/w/{world['ws'].slug}", secret)
    token.refresh_from_db()
    assert token.last_used_at == first


def test_the_command_prints_a_token_that_works(api, world):
    out = StringIO()
    call_command(
        "api_token",
        "create",
        "--user",
        world["viewer"].user.username,
        "--workspace",
        world["ws"].slug,
        "--scope",
        "read",
        "--name",
        "cli",
        "--days",
        "7",
        stdout=out,
    )
    secret = out.getvalue().strip()
    assert secret.startswith("lks_")
    assert api.call("get", f"/api/v1/w/{world['ws'].slug}", secret).json()["scope"] == "read"


def test_the_command_refuses_someone_outside_the_workspace(world):
    stranger = MembershipFactory()
    with pytest.raises(CommandError, match="not a member"):
        call_command(
            "api_token",
            "create",
            "--user",
            stranger.user.username,
            "--workspace",
            world["ws"].slug,
            "--scope",
            "read",
            stdout=StringIO(),
        )


def test_a_suspended_member_makes_no_token(world):
    Membership.objects.filter(pk=world["editor"].pk).update(suspended_at=timezone.now())
    with pytest.raises(Forbidden, match="suspended"):
        tokens.token_create(user=world["editor"].user, workspace=world["ws"], name="x", scope="read")
