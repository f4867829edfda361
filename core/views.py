"""Error pages (the 404 handler answers htmx with a toast: see core.responses)."""

from core.responses import not_found_response


def not_found(request, exception=None):
    return not_found_response(request, exception)
