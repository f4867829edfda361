"""Absolute links for mail and webhooks, made with SITE_URL."""

from __future__ import annotations

from django.conf import settings


def absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url
