"""Checks a server makes before it answers anyone.

Under production settings static files are served by their hashed names, read from the
manifest that `collectstatic` writes. Without it every page would answer 500 ("Missing
staticfiles manifest entry"), so the server refuses to start and says what to run.
"""

from __future__ import annotations

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
