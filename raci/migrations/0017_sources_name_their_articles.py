"""Stored texts name the source articles by their titles (and author where known) instead
of by their file numbers: template sources and descriptions, the copies matrices and roles
took of them, template versions and history entries.

The rewrite is a fixed function of the text (not of the code at the time), so it stays
correct whatever the built-in templates become; texts that cite no article are untouched.
"""

import re

from django.db import migrations

# Title, short name, author: as raci.builtin_templates.ARTICLES had them when this was written.
ARTICLES = {
    "000": (
        "Product Marketing vs. Product Management: The GTM Framework",
        "The GTM Framework",
        "James Doman-Pipe",
    ),
    "001": ("Product Management vs. Product Marketing: Key Differences", "Key Differences", ""),
    "002": ("Product Marketing vs Product Management – A Comprehensive Guide", "A Comprehensive Guide", ""),
    "003": (
        "Product Manager vs Product Marketing Manager: Understanding the Distinct Goals of PM and PMM",
        "Distinct Goals of PM and PMM",
        "",
    ),
    "004": (
        "Product Manager vs Product Marketing Manager (the driver-navigator thread)",
        "Driver and Navigator",
        "",
    ),
}
WORD = r"[Ss]eeds?"


def _cited(key: str) -> str:
    title, _short, author = ARTICLES.get(key, (key, key, ""))
    return f"“{title}”" + (f" by {author}" if author else "")


def _short(key: str) -> str:
    return f"“{ARTICLES[key][1]}”" if key in ARTICLES else key


def _keys(text: str) -> list[str]:
    return re.findall(r"\d{3}", text)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def plain(text: str) -> str:
    if not isinstance(text, str) or not re.search(r"\b[Ss]eeds?\b", text):
        return text
    # The old texts' heading of a row's sources named the articles by number, and each
    # letter's line started with one: both become the articles' names.
    text = re.sub(
        rf"\bFrom {WORD} (\d{{3}}(?:, \d{{3}})*)\.",
        lambda m: f"From {_and([_cited(k) for k in _keys(m.group(1))])}.",
        text,
    )
    text = re.sub(r"(^|\()Seed (\d{3}): ", lambda m: f"{m.group(1)}{_cited(m.group(2))}: ", text, flags=re.MULTILINE)
    # Prose that named articles by number (one, several, or with a possessive), and "the
    # articles" in the old word, become the articles' short names.
    text = re.sub(rf"\b{WORD} (\d{{3}}(?:, \d{{3}})+)", lambda m: ", ".join(_short(k) for k in _keys(m.group(1))), text)
    text = re.sub(
        rf"\b{WORD} (\d{{3}})[’']s ([a-z0-9-]+(?: (?:sheet|script|owners|split|stage|table))?)",
        lambda m: f"the {m.group(2)} in {_short(m.group(1))}",
        text,
    )
    text = re.sub(rf"\b{WORD} (\d{{3}})", lambda m: _short(m.group(1)), text)
    return re.sub(r"\b([Tt])he seeds\b", r"\1he source articles", text)


def _plain_json(value):
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, list):
        return [_plain_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_json(v) for k, v in value.items()}
    return value


def _rewrite(model, fields: tuple[str, ...], json_fields: tuple[str, ...] = ()) -> None:
    for row in model.objects.only("pk", *fields, *json_fields).iterator():
        changed = []
        for field in fields:
            value = getattr(row, field)
            if plain(value) != value:
                setattr(row, field, plain(value))
                changed.append(field)
        for field in json_fields:
            value = getattr(row, field)
            if _plain_json(value) != value:
                setattr(row, field, _plain_json(value))
                changed.append(field)
        if changed:
            row.save(update_fields=changed)


def forwards(apps, schema_editor):
    _rewrite(apps.get_model("raci", "Template"), ("description",))
    _rewrite(apps.get_model("raci", "TemplateRole"), ("description",))
    _rewrite(apps.get_model("raci", "TemplateActivity"), ("description", "our_default"), ("sources",))
    _rewrite(apps.get_model("raci", "TemplateVersion"), (), ("content",))
    _rewrite(apps.get_model("raci", "Matrix"), ("description",))
    _rewrite(apps.get_model("raci", "Activity"), ("description", "source"))
    _rewrite(apps.get_model("raci", "ChangeEvent"), ("target",), ("before", "after"))
    _rewrite(apps.get_model("workspaces", "Role"), ("description",))


class Migration(migrations.Migration):
    dependencies = [
        ("raci", "0016_matrix_default"),
        ("workspaces", "0003_workload_marks"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
