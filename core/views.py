"""Error pages. An htmx request that hits a 404 gets a message in the toast area instead
of a whole error page swapped into the element it targeted."""

from django.http import HttpResponseNotFound
from django.template.loader import render_to_string
from django.views.defaults import page_not_found


def not_found(request, exception=None):
    if getattr(request, "htmx", False):
        body = render_to_string("components/toast.html", {
            "message": "That is no longer here: someone may have deleted it. Reload the page to see the current state."})
        response = HttpResponseNotFound(body)
        response["HX-Retarget"] = "#toasts"
        response["HX-Reswap"] = "beforeend"
        return response
    return page_not_found(request, exception)
