"""What the views share: turning domain errors into responses, and htmx-aware rendering."""

from django.contrib import messages
from django.shortcuts import redirect, render

from ..services import InvalidInput


def render_page_or_fragment(request, template: str, fragment: str, context: dict, *, status: int = 200):
    """The whole page for a plain request, one of its fragments for htmx."""
    name = f"{template}#{fragment}" if request.htmx and not request.htmx.boosted else template
    response = render(request, name, context, status=status)
    response["Vary"] = "HX-Request"
    return response


def back_with_error(request, error: InvalidInput, to: str, *args):
    messages.error(request, error.message)
    return redirect(to, *args)
