"""Stored texts that cited the source articles by number name them by title once migrated:
the built-in templates' old texts become exactly today's, and copies in matrices, roles and
history follow."""

import importlib
import json
import re
from pathlib import Path

import pytest
from django.apps import apps

from raci.builtin_templates import BUILTIN_TEMPLATES
from raci.models import Activity, ChangeEvent
from tests.factories import MembershipFactory, build_matrix
from workspaces.models import Role

migration = importlib.import_module("raci.migrations.0017_sources_name_their_articles")
BEFORE = json.loads((Path(__file__).parents[1] / "fixtures" / "words" / "template_texts_before.json").read_text())


def _texts_now() -> set[str]:
    texts = set()
    for spec in BUILTIN_TEMPLATES:
        texts |= {spec.description, *(r.description for r in spec.roles)}
        for a in spec.activities:
            texts |= {a.description, a.source, a.our_default, *a.sources.values()}
    return texts - {""}


def test_the_old_template_texts_become_exactly_todays():
    assert {migration.plain(text) for text in BEFORE["texts"]} == _texts_now()


def test_text_citing_no_article_is_left_alone():
    for text in ("Seedling pricing", "We seeded the list", "", None, "Launch 004"):
        assert migration.plain(text) == text


@pytest.mark.django_db
def test_copies_in_matrices_roles_and_history_are_rewritten():
    member = MembershipFactory(access="admin")
    matrix, activities, roles = build_matrix(member.workspace, activities=1, roles=1)
    old_source = next(t for t in BEFORE["texts"] if t.startswith("From seeds"))
    old_role = next(t for t in BEFORE["texts"] if re.search(r"\(seed \d{3}\)", t))
    Activity.objects.filter(pk=activities[0].pk).update(source=old_source, description=old_role)
    Role.objects.filter(pk=roles[0].pk).update(description=old_role)
    ChangeEvent.objects.create(matrix=matrix, seq=99, kind="activity.edit", target="x", after={"description": old_role})
    migration.forwards(apps, None)
    texts = [
        *Activity.objects.filter(pk=activities[0].pk).values_list("source", "description").get(),
        Role.objects.get(pk=roles[0].pk).description,
        ChangeEvent.objects.get(matrix=matrix, seq=99).after["description"],
    ]
    assert texts[0] in _texts_now() and texts[0].startswith("From “")
    for text in texts:
        assert "seed" not in text.lower(), text
