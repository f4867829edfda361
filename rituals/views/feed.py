"""The workspace's iCalendar feed: launches and ritual meetings."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from launches import selectors
from rituals import ical
from rituals import selectors as rituals_selectors
from workspaces import sign_in


@require_GET
def feed(request, ws, token):
    """The iCalendar feed: no sign-in (calendar apps cannot), the secret token is the key."""
    found = selectors.feed_by_token(token=token)
    if found is None or found.workspace.slug != ws:
        raise Http404("No such feed")
    refusal = sign_in.feed_refusal(workspace=found.workspace, maker=found.made_by)
    if refusal:
        # Calendar apps show no page: the status and a line of text are all they keep.
        return HttpResponse(refusal, status=403, content_type="text/plain; charset=utf-8")
    text = ical.calendar_text(
        name=f"{found.workspace.name} launches",
        host=request.get_host().split(":")[0],
        events=rituals_selectors.feed_events_of(workspace=found.workspace),
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
