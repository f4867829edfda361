"""Cleaning names and codes typed by people, and slugs that stay unique."""

from __future__ import annotations

from django.utils.text import slugify

from core.errors import InvalidInput

NAME_MAX = 200


CODE_MAX = 12


EMAIL_MAX = 254


def clean_name(value: str, what: str, field: str = "name") -> str:
    value = " ".join((value or "").split())
    if not value:
        raise InvalidInput(f"The {what} needs a name.", field)
    if len(value) > NAME_MAX:
        raise InvalidInput(f"The {what}'s name is {len(value)} characters long; the limit is {NAME_MAX}.", field)
    return value


def clean_code(value: str) -> str:
    value = "".join((value or "").split()).upper()
    if not value:
        raise InvalidInput("The role needs a short code, like PM or PMM.", "code")
    if len(value) > 12:
        raise InvalidInput("A role's short code has at most 12 characters.", "code")
    return value


def unique_slug(queryset, base: str, reserved: frozenset[str] = frozenset()) -> str:
    base = (slugify(base) or "matrix")[:50]
    slug, n = base, 2
    while slug in reserved or queryset.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
