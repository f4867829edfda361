"""The response layer: domain errors become 403/404/409/422 in one place, for htmx and
plain requests alike, and `Vary: HX-Request` is set one way."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxMiddleware

from core import errors
from core.responses import (
    DomainErrorMiddleware,
    answer_change,
    message_of,
    refusal_redirects_to,
    render_varied,
    show_on_form,
    vary_on_htmx,
)
from tests.factories import MembershipFactory

HX = {"HX-Request": "true"}


def _answer(error, *, method="get", headers=None, referer=None, redirect_to=None):
    factory = RequestFactory()
    extra = {"HTTP_REFERER": referer} if referer else {}
    request = getattr(factory, method)("/w/team/things/7/", headers=headers or {}, **extra)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.user = None

    def view(request, **kwargs):
        raise error

    if redirect_to is not None:
        declared = refusal_redirects_to(redirect_to)(view)

        def view(request):
            return declared(request, ws="team", thing_id=7)

    middleware = DomainErrorMiddleware(view)
    HtmxMiddleware(lambda r: None)(request)
    try:
        return request, middleware(request)
    except errors.DomainError as raised:
        return request, middleware.process_exception(request, raised)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.Forbidden("Only admins can do that."), 403),
        (errors.NotFound("No such thing."), 404),
        (errors.Conflict("Someone changed it since."), 409),
        (errors.StaleChanges("It changed since.", changes=["Ann set PM to A."]), 409),
        # A stale cell edit is a conflict like any other: 409 (it used to fall through to 422).
        (errors.StaleEdit(value="A", version=3), 409),
        (errors.InvalidInput("Too long.", "name"), 422),
    ],
)
def test_htmx_requests_get_the_status_and_a_toast_retargeted_to_the_toast_area(error, status):
    _, response = _answer(error, headers=HX)
    assert response.status_code == status
    assert response["HX-Retarget"] == "#toasts" and response["HX-Reswap"] == "beforeend"
    assert "HX-Request" in response["Vary"]
    assert 'class="toast error"' in response.content.decode()


def test_an_htmx_toast_carries_the_message_and_what_changed():
    _, response = _answer(errors.StaleChanges("It changed since.", changes=["Ann set PM to A."]), headers=HX)
    assert "It changed since. Ann set PM to A." in response.content.decode()


def test_an_htmx_toast_escapes_the_message():
    _, response = _answer(errors.InvalidInput("<script>x</script> is not a name"), headers=HX)
    assert "<script>x" not in response.content.decode() and "&lt;script&gt;" in response.content.decode()


@pytest.mark.django_db
def test_a_plain_request_for_something_gone_gets_the_404_page():
    _, response = _answer(errors.NotFound("No such thing."))
    assert response.status_code == 404 and "Not found" in response.content.decode()


@pytest.mark.django_db
def test_a_plain_request_not_allowed_gets_the_403_page_with_the_reason():
    _, response = _answer(errors.Forbidden("Only admins can do that."))
    assert response.status_code == 403 and "Only admins can do that." in response.content.decode()


@pytest.mark.parametrize("error", [errors.InvalidInput("Too long."), errors.Conflict("Someone changed it since.")])
def test_a_refused_plain_post_returns_to_the_page_it_came_from_with_the_message(error):
    request, response = _answer(error, method="post", referer="http://testserver/w/team/things/")
    assert response.status_code == 302 and response["Location"] == "http://testserver/w/team/things/"
    assert [m.message for m in get_messages(request)] == [error.message]


def test_a_refused_plain_post_never_returns_to_another_site():
    _, response = _answer(errors.InvalidInput("Too long."), method="post", referer="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/w/team/things/7/"


@pytest.mark.django_db
def test_a_refused_plain_get_shows_the_message_with_its_status():
    _, response = _answer(errors.Conflict("Someone changed it since."))
    assert response.status_code == 409 and "Someone changed it since." in response.content.decode()


def test_other_exceptions_are_not_answered_here():
    middleware = DomainErrorMiddleware(lambda r: None)
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("boom")) is None


def test_vary_is_added_to_what_is_there_not_replaced():
    response = HttpResponse()
    response["Vary"] = "Cookie"
    assert vary_on_htmx(response)["Vary"] == "Cookie, HX-Request"


def test_render_varied_varies_on_htmx():
    request = RequestFactory().get("/")
    assert "HX-Request" in render_varied(request, "components/toast.html", {"message": "x"})["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_a_view_lets_a_missing_thing_through_and_gets_404_either_way(client, editor, htmx):
    from django.urls import reverse

    from raci.models import Decision
    from tests.factories import build_matrix

    matrix, _, _ = build_matrix(editor.workspace, activities=1, roles=1)
    stranger = build_matrix(MembershipFactory().workspace, activities=1, roles=1, name="Theirs")[0]
    theirs = Decision.objects.create(matrix=stranger, what="Not yours", decided_on="2026-11-20")
    url = reverse("raci:decision_delete", args=[editor.workspace.slug, matrix.slug, theirs.pk])
    response = client.post(url, headers=HX if htmx else {})
    assert response.status_code == 404 and Decision.objects.filter(pk=theirs.pk).exists()
    assert (response.get("HX-Retarget") == "#toasts") is htmx


def _to_the_list(request, *, ws, thing_id):
    return f"/w/{ws}/things/#thing-{thing_id}"


@pytest.mark.parametrize("method", ["post", "get"])
@pytest.mark.parametrize(
    "error",
    [
        errors.InvalidInput("Too long."),
        errors.Conflict("Someone changed it since."),
        errors.StaleChanges("It changed since.", changes=["Ann set PM to A."]),
    ],
)
def test_a_refused_plain_request_goes_where_the_view_declared_with_the_message(error, method):
    request, response = _answer(
        error, method=method, referer="http://testserver/w/team/elsewhere/", redirect_to=_to_the_list
    )
    assert response.status_code == 302 and response["Location"] == "/w/team/things/#thing-7"
    assert "HX-Request" in response["Vary"]
    assert [m.message for m in get_messages(request)] == [
        error.message + (" Ann set PM to A." if isinstance(error, errors.StaleChanges) else "")
    ]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.Forbidden("Only admins can do that."), 403),
        (errors.NotFound("No such thing."), 404),
        (errors.Conflict("Someone changed it since."), 409),
        (errors.InvalidInput("Too long.", "name"), 422),
    ],
)
def test_an_htmx_request_to_a_view_with_a_declared_page_still_gets_its_toast(error, status):
    request, response = _answer(error, method="post", headers=HX, redirect_to=_to_the_list)
    assert response.status_code == status and response["HX-Retarget"] == "#toasts"
    assert not list(get_messages(request))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "status", "shown"),
    [
        (errors.Forbidden("Only admins can do that."), 403, "Only admins can do that."),
        (errors.NotFound("No such thing."), 404, "Not found"),
    ],
)
def test_a_declared_page_does_not_hide_a_refused_access_or_a_missing_thing(error, status, shown):
    request, response = _answer(error, method="post", redirect_to=_to_the_list)
    assert response.status_code == status and shown in response.content.decode()
    assert not list(get_messages(request))


def test_a_view_with_a_declared_page_answers_as_usual_when_nothing_is_refused():
    request = RequestFactory().post("/w/team/things/7/")
    view = refusal_redirects_to(_to_the_list)(lambda request, **kwargs: HttpResponse(f"ok {kwargs['thing_id']}"))
    assert view(request, ws="team", thing_id=7).content == b"ok 7"
    assert request.refusal_redirect() == "/w/team/things/#thing-7"


class _NameForm(forms.Form):
    name = forms.CharField()


@pytest.mark.parametrize(
    ("error", "field"),
    [
        (errors.InvalidInput("Taken.", "name"), "name"),
        (errors.InvalidInput("Taken.", "not_a_field"), NON_FIELD_ERRORS),
        (errors.Conflict("Taken."), NON_FIELD_ERRORS),
    ],
)
def test_a_form_shows_a_refusal_next_to_the_field_it_names_else_above_the_form(error, field):
    form = _NameForm({"name": "PM"})
    assert form.is_valid()
    show_on_form(form, error)
    assert form.errors == {field: ["Taken."]}


def test_a_form_can_name_the_field_a_refusal_without_one_goes_to():
    form = _NameForm({"name": "PM"})
    form.is_valid()
    show_on_form(form, errors.InvalidInput("Taken."), default="name")
    assert form.errors == {"name": ["Taken."]}


def test_a_form_shows_what_changed_with_a_stale_refusal():
    form = _NameForm({"name": "PM"})
    form.is_valid()
    show_on_form(form, errors.StaleChanges("It changed since.", changes=["Ann renamed it."]))
    assert form.non_field_errors() == ["It changed since. Ann renamed it."]


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_a_view_that_declares_its_page_sends_a_refused_plain_post_there(client, editor, htmx):
    from django.urls import reverse

    from tests.factories import build_matrix

    _, _, roles = build_matrix(editor.workspace, activities=1, roles=1)
    ws = editor.workspace.slug
    url = reverse("workspaces:role_delete", args=[ws, roles[0].pk])
    response = client.post(url, headers=HX if htmx else {}, HTTP_REFERER=f"http://testserver/w/{ws}/elsewhere/")
    if htmx:
        assert response.status_code == 422 and response["HX-Retarget"] == "#toasts"
    else:
        assert response.status_code == 302 and response["Location"] == reverse("workspaces:roles", args=[ws])
        assert len(list(get_messages(response.wsgi_request))) == 1
    assert roles[0].__class__.objects.filter(pk=roles[0].pk).exists()


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (errors.Forbidden, 403),
        (errors.NotFound, 404),
        (errors.Conflict, 409),
        (errors.StaleEdit, 409),
        (errors.StaleChanges, 409),
        (errors.InvalidInput, 422),
    ],
)
def test_each_error_knows_its_status(kind, status):
    assert kind.status == status


def test_a_stale_edit_is_a_conflict_with_the_cell_as_it_is_now():
    stale = errors.StaleEdit(value="AR", version=4)
    assert isinstance(stale, errors.Conflict) and (stale.value, stale.version) == ("AR", 4)
    assert "not saved" in message_of(stale)


def test_a_stale_change_says_each_line_once():
    stale = errors.StaleChanges(
        "Fix was not applied. Ann set PM to A.", changes=["Ann set PM to A.", "Bo set QA to R."]
    )
    assert message_of(stale) == "Fix was not applied. Ann set PM to A. Bo set QA to R."


def _change(raises):
    def change():
        if raises is not None:
            raise raises
        return "done"

    return change


def test_answer_change_answers_a_done_change_and_shows_a_refusal_with_its_status():
    def refused(error):
        return HttpResponse(message_of(error), status=error.status)

    done = answer_change(_change(None), done=lambda result: HttpResponse(result), refused=refused)
    assert done.status_code == 200 and done.content == b"done"
    for error in (errors.NotFound("Gone."), errors.Conflict("Changed since."), errors.InvalidInput("Too long.")):
        answer = answer_change(_change(error), done=lambda result: HttpResponse(result), refused=refused)
        assert answer.status_code == error.status and answer.content.decode() == error.message


@pytest.mark.parametrize(
    ("error", "shows"),
    [
        (errors.Forbidden("Only admins."), (errors.NotFound, errors.Conflict, errors.InvalidInput)),
        (errors.NotFound("Gone."), (errors.Conflict, errors.InvalidInput)),
    ],
)
def test_answer_change_lets_what_the_view_does_not_show_reach_the_middleware(error, shows):
    with pytest.raises(type(error)):
        answer_change(_change(error), done=HttpResponse, refused=lambda e: HttpResponse(status=200), shows=shows)
