"""Checks a server makes before it answers anyone.

Under production settings static files are served by their hashed names, read from the
manifest that `collectstatic` writes. Without it every page would answer 500 ("Missing
staticfiles manifest entry"), so the server refuses to start and says what to run.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages


def static_manifest_problem() -> str:
    """What is wrong with the static files' manifest, or "" when nothing is (or the storage
    needs none)."""
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return ""
    if storage.manifest_storage.exists(storage.manifest_name):
        return ""
    manifest = storage.manifest_storage.path(storage.manifest_name)
    return (
        f"The static files' manifest {manifest} is missing, so no page could be served. "
        "Run `python manage.py collectstatic --no-input` with the same settings and STATIC_ROOT "
        "before starting the server (the Docker image does it when it is built)."
    )


def refuse_without_static_manifest() -> None:
    problem = static_manifest_problem()
    if problem:
        raise ImproperlyConfigured(problem)


def warm_up() -> None:
    """Do at start what each process would otherwise do for its first visitors: import every
    view (the URLconf, the API's schema models) and compile the project's templates. A web
    worker's first matrix page took near a second cold, and a room opening the page at once
    queued behind it; now the worker does it before it takes its first request."""
    from pathlib import Path

    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (importing the URLconf is the point)
    if settings.DEBUG:  # templates are read afresh at each use while developing: nothing to keep
        return
    engines: list[dict[str, Any]] = settings.TEMPLATES
    for folder in (Path(d) for engine in engines for d in engine.get("DIRS", [])):
        for path in sorted(folder.rglob("*.html")):
            try:
                get_template(str(path.relative_to(folder)))
            except (TemplateDoesNotExist, TemplateSyntaxError):  # its first use says what is wrong
                continue
