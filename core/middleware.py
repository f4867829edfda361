"""Edge checks for every request and response.

Requests carrying a NUL character are answered 400 before any view runs.

No field of this app accepts NUL, a browser does not let anyone type it, and PostgreSQL
refuses it in text (a 500 wherever it reaches a query). Django's forms.CharField already
refuses it at the field, but hand-parsed query values, hidden fields, choice and date
fields, path segments (`<str:token>`) and cookies do not, and checking each of
those in each view is how one gets missed. So one check at the edge: the path, the query
string, the form fields of the body, and the cookies.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest

MESSAGE = (
    "The request holds a NUL character (\\0), which no page or field of Lockstep accepts. "
    "Nothing was saved; remove it and send again."
)


def _has_nul(query_dict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


def _body_has_nul(request) -> bool:
    content_type = request.content_type or ""
    if request.method != "POST" or content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return False
    if content_type == "multipart/form-data":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        # An upload larger than any import takes is refused by its view before the body is
        # read (settings.UPLOAD_MAX_BYTES): parsing it here would defeat that.
        if length > settings.UPLOAD_MAX_BYTES + 65536:
            return False
    # File names need no look: Django drops their unprintable characters.
    return _has_nul(request.POST)


def reject_nul(get_response):
    def middleware(request):
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or _body_has_nul(request)
            or any("\x00" in key + value for key, value in request.COOKIES.items())
        ):
            # An htmx request gets it too; the page's error toast says nothing was saved.
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware


def private_when_signed_in(get_response):
    """Every answer to a signed-in person is theirs alone: `Cache-Control: private, no-store`,
    so neither a shared proxy nor the browser's history keeps it (a shared computer's back
    button after sign-out shows nothing). A view that chose its own (the calendar feed) keeps
    it; static files are served before this runs, and public pages are answered to nobody in
    particular."""

    def middleware(request):
        response = get_response(request)
        if not response.has_header("Cache-Control"):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                response["Cache-Control"] = "private, no-store"
        return response

    return middleware
