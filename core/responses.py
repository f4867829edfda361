"""The response layer: one place where domain errors become HTTP answers, and the htmx
helpers every view uses.

A service raises `core.errors`, each of which knows its status (`error.status`):
  Forbidden 403 · NotFound 404 · Conflict (StaleEdit, StaleChanges) 409 · InvalidInput 422.
A view catches one only to show it next to a form's field (`show_on_form`) or in its own
fragment (`answer_change`, with the error's own status). Everything else reaches
`DomainErrorMiddleware`, which reads the status and answers the same way for htmx and
plain requests: htmx gets the message as a toast, retargeted to the page's toast area; a
plain request gets the error page (403, 404) or, after a form post, the message and a
redirect back to the page it came from (so the form works without htmx). A view that
sends a refused plain request to a page of its own choosing declares it once,
`@refusal_redirects_to(lambda request, **kwargs: url)`, instead of catching the error.
`Vary: HX-Request` is set one way, `vary_on_htmx` (Django's `patch_vary_headers`, as
`vary_on_headers("HX-Request")` does), never by assigning the header.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django_htmx.http import reswap, retarget

from core import errors

GONE_MESSAGE = "That is no longer here: someone may have deleted it. Reload the page to see the current state."


def is_htmx(request) -> bool:
    """An htmx request that wants a fragment (a boosted link wants the whole page)."""
    return bool(getattr(request, "htmx", False)) and not request.htmx.boosted


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """Tell caches the answer depends on HX-Request (a fragment or the whole page)."""
    patch_vary_headers(response, ("HX-Request",))
    return response


def render_varied(request, template, context, *, status=200) -> HttpResponse:
    """Render a page or one of its fragments, varying on HX-Request."""
    return vary_on_htmx(render(request, template, context, status=status))


def toast_response(request, message: str, *, status: int) -> HttpResponse:
    """The message as an error toast, swapped into the page's toast area whatever the
    request targeted."""
    response = HttpResponse(
        render_to_string("components/toast.html", {"message": message}, request=request), status=status
    )
    return vary_on_htmx(reswap(retarget(response, "#toasts"), "beforeend"))


def not_found_response(request, exception=None) -> HttpResponse:
    """404: an htmx request gets a toast instead of a whole error page swapped into the
    element it targeted; others get the error page."""
    if getattr(request, "htmx", False):
        return toast_response(request, GONE_MESSAGE, status=404)
    return defaults.page_not_found(request, exception)


def message_of(error: errors.DomainError) -> str:
    """The error's message and what changed (a stale change's lines), each line once: a
    message may already quote the first of them."""
    text = error.message or str(error)
    changes = [line for line in getattr(error, "changes", ()) if line not in text]
    return " ".join([text, *changes])


def answer_change[T](
    change: Callable[[], T],
    *,
    done: Callable[[T], HttpResponse],
    refused: Callable[[errors.DomainError], HttpResponse],
    shows: tuple[type[errors.DomainError], ...] = (errors.NotFound, errors.Conflict, errors.InvalidInput),
) -> HttpResponse:
    """Run a change and answer with `done(result)`; when the service refuses it with one of
    the errors the view `shows` itself, answer with `refused(error)`: the view's own fragment
    or form again, showing the error's message with its status (`error.status`). Any other
    error (a refused access always) reaches the middleware."""
    try:
        result = change()
    except shows as error:
        return refused(error)
    return done(result)


def refusal_redirects_to(where: Callable[..., str]):
    """Declare where a refused plain request goes (with the message), instead of back to
    the page it came from: `where(request, **kwargs)` gets the view's URL arguments and
    answers a URL. Conflicts (409) and invalid input (422) follow it, for a GET as for a
    POST; htmx still gets its toast, a missing thing its 404, a refused access its 403."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            request.refusal_redirect = functools.partial(where, request, *args, **kwargs)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def show_on_form(form, error: errors.DomainError, *, default: str | None = None) -> None:
    """A refusal a form shows itself: next to the field the error names when the form has
    it, else next to `default` (None: above the form). The view then renders the form with
    status 422."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else default, message_of(error))


def _back(request) -> str:
    """Where a refused plain form post returns: the page it came from, else the URL posted to."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return request.get_full_path()


def domain_error_response(request, error: errors.DomainError) -> HttpResponse:
    """The answer to a domain error no view handled itself."""
    status = error.status
    if status == 404:
        return not_found_response(request, Http404(str(error)))
    if is_htmx(request):
        return toast_response(request, message_of(error), status=status)
    link = getattr(error, "link", None)
    if status == 403 and link:
        context = {"message": message_of(error), "link": link, "heading": "Sign in again"}
        return vary_on_htmx(render(request, "refused.html", context, status=403))
    if status == 403:
        return vary_on_htmx(defaults.permission_denied(request, PermissionDenied(message_of(error))))
    declared = getattr(request, "refusal_redirect", None)
    if declared is not None:
        messages.error(request, message_of(error))
        return vary_on_htmx(HttpResponseRedirect(declared()))
    if request.method == "POST":
        messages.error(request, message_of(error))
        return vary_on_htmx(HttpResponseRedirect(_back(request)))
    return vary_on_htmx(render(request, "refused.html", {"message": message_of(error)}, status=status))


class DomainErrorMiddleware:
    """Answers the domain errors views let through (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, errors.DomainError):
            return domain_error_response(request, exception)
        return None
