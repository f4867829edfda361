"""raci's part of the weekly digest posted to Slack and Teams channels
(`notifications.channel_digest`): what changed in ownership this week, matrix by matrix,
and each matrix's open findings."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from notifications.channel_digest import Section
from raci.models import ChangeEvent, Matrix


def digest_sections(workspace, since: datetime, today: date) -> list[Section]:
    changes: dict[str, list[str]] = defaultdict(list)
    for matrix_name, target in (
        ChangeEvent.objects.filter(matrix__workspace=workspace, kind="cell", at__gte=since)
        .order_by("matrix__name", "seq")
        .values_list("matrix__name", "target")
    ):
        changes[matrix_name].append(target.rsplit(" × ", 1)[0])
    moved = []
    for matrix_name, activities in changes.items():
        names = list(dict.fromkeys(activities))
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        moved.append(
            f"{matrix_name}: {len(activities)} change{'s' if len(activities) != 1 else ''} "
            f"to {len(names)} activit{'ies' if len(names) != 1 else 'y'} ({shown})"
        )
    findings = []
    for name, errors, warnings in (
        Matrix.objects.filter(workspace=workspace).order_by("name").values_list("name", "errors", "warnings")
    ):
        if errors or warnings:
            parts = [
                f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((errors, "error"), (warnings, "warning")) if n
            ]
            findings.append(f"{name}: {', '.join(parts)}")
    return [
        Section(heading="What changed in ownership", lines=moved, order=10, empty="No letters changed this week."),
        Section(heading="Open findings by matrix", lines=findings, order=20, empty="No open findings."),
    ]
