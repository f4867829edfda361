"""Answering htmx and plain requests from the same view (kept for the views that import
it from here; the response layer is `core.responses`)."""

from core.responses import is_htmx, render_varied, vary_on_htmx

__all__ = ["is_htmx", "render_varied", "vary_on_htmx"]
