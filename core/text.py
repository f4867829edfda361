"""Cleaning names and codes typed by people, and slugs that stay unique."""

from __future__ import annotations

import unicodedata

from django.utils.text import slugify

from core.errors import InvalidInput

NAME_MAX = 200


CODE_MAX = 12


EMAIL_MAX = 254


# Characters that change how the text around them is displayed without being seen: the
# bidirectional embeddings, overrides and isolates can make "exe.txt" show as "txt.exe".
# Right-to-left text itself (Hebrew, Arabic) needs none of them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def hidden_control(value: str) -> str | None:
    """The first control character in `value` that a name must not hold (C0/C1 controls,
    lone surrogates, bidirectional overrides), or None."""
    for ch in value:
        if ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs"):
            return ch
    return None


def clean_name(value: str, what: str, field: str = "name") -> str:
    value = " ".join((value or "").split())
    if not value:
        raise InvalidInput(f"The {what} needs a name.", field)
    if len(value) > NAME_MAX:
        raise InvalidInput(f"The {what}'s name is {len(value)} characters long; the limit is {NAME_MAX}.", field)
    if (bad := hidden_control(value)) is not None:
        raise InvalidInput(
            f"The {what}'s name holds an invisible control character (U+{ord(bad):04X}); type it again without it.",
            field,
        )
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
