"""Sections that the apps above add to the workspace settings page.

The settings page belongs to workspaces, yet some settings belong to the apps built on it
(raci's default matrix). Each such app registers a `Section` in its `AppConfig.ready()`:
the page includes its template with its context; the section's form posts to the app's
own view, which may render the page again with its errors (`context` takes them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workspaces.models import Membership


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    # context(membership, errors) -> what the template needs; errors: {field: message} or None.
    context: Callable[..., dict]


_sections: list[Section] = []


def register(section: Section) -> None:
    if all(s.key != section.key for s in _sections):
        _sections.append(section)


def sections_for(membership: Membership, errors: dict[str, dict] | None = None) -> list[tuple[str, dict]]:
    """(template, context) of every registered section, in the order they registered."""
    errors = errors or {}
    return [(s.template, s.context(membership, errors.get(s.key))) for s in _sections]
