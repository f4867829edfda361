"""Launch cycles, the tiering board, launch pages with readiness and go/no-go, the
calendar, the retrospective, the quarter view and its pre-read.

Every view resolves the workspace from the URL and checks membership first; plain POSTs
redirect, htmx POSTs get the fragment they changed.
"""

from launches.views.board import (
    cycle,
    cycles,
    launch_add,
    launch_tier,
    launches_import,
    rubric,
)
from launches.views.calendar import (
    avoid_date_remove,
    avoid_dates,
    board_now,
    calendar,
    calendar_now,
    feed_regenerate,
    retrospective,
)
from launches.views.launch import (
    checklist_owners,
    dependency_add,
    dependency_remove,
    go_decision,
    item_from_template,
    item_role,
    item_update,
    launch,
    launch_channel,
    launch_edit,
    launch_move,
    launch_outcome,
    launch_score,
    launch_status,
    tier_confirm,
)
from launches.views.quarter import (
    load_limits,
    preread_export,
    preread_page,
    quarter,
    quarter_now,
    quarter_slides,
)

__all__ = [
    "avoid_date_remove",
    "avoid_dates",
    "board_now",
    "calendar",
    "calendar_now",
    "checklist_owners",
    "cycle",
    "cycles",
    "dependency_add",
    "dependency_remove",
    "feed_regenerate",
    "go_decision",
    "item_from_template",
    "item_role",
    "item_update",
    "launch",
    "launch_add",
    "launch_edit",
    "launch_move",
    "launch_outcome",
    "launch_score",
    "launch_status",
    "launch_channel",
    "launch_tier",
    "launches_import",
    "load_limits",
    "preread_export",
    "preread_page",
    "quarter",
    "quarter_now",
    "quarter_slides",
    "retrospective",
    "rubric",
    "tier_confirm",
]
