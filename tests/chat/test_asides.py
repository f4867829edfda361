"""The matrix page's "most asked in chat": shown from the cache, at no extra query."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse

from chat import selectors
from raci.models import Activity, Matrix
from tests.chat.conftest import slack_ask
from tests.queries import queries_of
from workspaces.models import Membership


def _matrix_page(client, workspace):
    matrix = Matrix.objects.get(workspace=workspace, is_default=True)
    return reverse("raci:matrix", args=[workspace.slug, matrix.slug])


def test_the_matrix_page_lists_the_most_asked_activities_without_askers(client, acme):
    for asked in ("naming", "who owns naming", "pricing & packaging"):
        slack_ask(client, acme, asked)
    client.force_login(Membership.objects.filter(workspace=acme).first().user)
    page = client.get(_matrix_page(client, acme)).content.decode()
    aside = page[page.index('id="most-asked"') :]
    assert "Most asked in chat" in aside and "2 questions" in aside and "1 question" in aside
    assert aside.index("Naming") < aside.index("Pricing &amp; Packaging")
    assert "steve" not in aside  # the asker's Slack name is never kept


def test_a_matrix_nobody_asked_about_shows_nothing_after_its_first_look(client, acme):
    client.force_login(Membership.objects.filter(workspace=acme).first().user)
    first = client.get(_matrix_page(client, acme)).content.decode()
    later = reverse("chat:most_asked", args=[acme.slug, Matrix.objects.get(workspace=acme, is_default=True).slug])
    assert 'id="most-asked-later"' in first and later in first
    assert client.get(later, headers={"HX-Request": "true"}).content == b""
    again = client.get(_matrix_page(client, acme)).content.decode()
    assert "most-asked" not in again


def test_after_the_cache_is_emptied_the_page_asks_for_the_list_once(client, acme):
    slack_ask(client, acme, "naming")
    cache.clear()
    client.force_login(Membership.objects.filter(workspace=acme).first().user)
    page = client.get(_matrix_page(client, acme)).content.decode()
    assert 'id="most-asked-later"' in page
    later = reverse("chat:most_asked", args=[acme.slug, Matrix.objects.get(workspace=acme, is_default=True).slug])
    fragment = client.get(later, headers={"HX-Request": "true"}).content.decode()
    assert "Naming" in fragment and "1 question" in fragment and "<html" not in fragment
    assert 'id="most-asked"' in client.get(_matrix_page(client, acme)).content.decode()


def test_the_list_is_the_workspaces_own(client, acme, outsider):
    later = reverse("chat:most_asked", args=[acme.slug, Matrix.objects.get(workspace=acme, is_default=True).slug])
    client.force_login(outsider.user)
    assert client.get(later).status_code == 404


def test_the_list_costs_the_matrix_page_no_query(client, acme):
    client.force_login(Membership.objects.filter(workspace=acme).first().user)
    url = _matrix_page(client, acme)
    client.get(url)
    selectors.most_asked_fill(matrix_id=Matrix.objects.get(workspace=acme, is_default=True).pk)  # nobody asked: []
    response, without = queries_of(lambda: client.get(url))
    assert "most-asked" not in response.content.decode()
    slack_ask(client, acme, "naming")
    response, with_list = queries_of(lambda: client.get(url))
    assert 'id="most-asked"' in response.content.decode()
    assert len(with_list) == len(without), "\n".join(with_list)


def test_a_deleted_activity_leaves_the_list(client, acme):
    slack_ask(client, acme, "naming")
    Activity.objects.filter(matrix__workspace=acme, name="Naming").delete()
    client.force_login(Membership.objects.filter(workspace=acme).first().user)
    assert 'id="most-asked"' not in client.get(_matrix_page(client, acme)).content.decode()
    assert cache.get(f"chat:most-asked:{Matrix.objects.get(workspace=acme, is_default=True).pk}")
