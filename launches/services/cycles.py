"""Launch cycles: one a quarter."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from core.errors import InvalidInput
from launches.models import (
    LaunchCycle,
)
from workspaces.models import Workspace

_QUARTER = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*q([1-4])\s*$", re.IGNORECASE)


def parse_quarter(text: str) -> tuple[int, int]:
    match = _QUARTER.match(text or "")
    if not match:
        raise InvalidInput(f"“{text}” is not a quarter: write it like 2027-Q1.", "quarter")
    year, quarter = int(match[1]), int(match[2])
    if not 2000 <= year <= 2100:
        raise InvalidInput("Pick a year between 2000 and 2100.", "quarter")
    return year, quarter


@transaction.atomic
def cycle_create(*, workspace: Workspace, quarter: str) -> LaunchCycle:
    year, q = parse_quarter(quarter)
    if LaunchCycle.objects.filter(workspace=workspace, year=year, quarter=q).exists():
        raise InvalidInput(f"{year}-Q{q} already has a launch cycle.", "quarter")
    try:
        with transaction.atomic():
            return LaunchCycle.objects.create(workspace=workspace, year=year, quarter=q, slug=f"{year}-q{q}")
    except IntegrityError:  # created at the same moment by someone else
        raise InvalidInput(f"{year}-Q{q} already has a launch cycle.", "quarter") from None
