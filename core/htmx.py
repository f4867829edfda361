"""Answering htmx and plain requests from the same view."""

from django.shortcuts import render


def is_htmx(request) -> bool:
    """An htmx request that wants a fragment (a boosted link wants the whole page)."""
    return bool(request.htmx) and not request.htmx.boosted


def render_varied(request, template, context, *, status=200):
    """Render, telling caches that the answer depends on HX-Request (fragment or page)."""
    response = render(request, template, context, status=status)
    response["Vary"] = "HX-Request"
    return response
