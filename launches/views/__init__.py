"""Launch cycles, the tiering board, launch pages with readiness and go/no-go, the
calendar, the retrospective and the iCalendar feed; the team's rituals and their meetings.

Every view resolves the workspace from the URL and checks membership first (the feed,
for calendar apps that cannot sign in, checks its secret token instead); plain POSTs
redirect, htmx POSTs get the fragment they changed.
"""

from .board import cycle, cycles, launch_add, launch_tier, launches_import, rubric
from .calendar import (
                     avoid_date_remove,
                     avoid_dates,
                     calendar,
                     feed,
                     feed_regenerate,
                     retrospective,
)
from .launch import (
                     dependency_add,
                     dependency_remove,
                     go_decision,
                     item_update,
                     launch,
                     launch_edit,
                     launch_move,
                     launch_outcome,
                     launch_score,
                     launch_status,
                     tier_confirm,
)
from .quarter import load_limits, preread_export, preread_page, quarter, quarter_now
from .rituals import (
                     occurrence,
                     occurrence_decision,
                     occurrence_notes,
                     occurrence_tier,
                     ritual,
                     ritual_delete,
                     ritual_edit,
                     ritual_pause,
                     rituals,
)

__all__ = ["avoid_date_remove", "avoid_dates", "calendar", "cycle", "cycles", "dependency_add", "dependency_remove",
           "feed", "feed_regenerate", "go_decision", "item_update", "launch", "launch_add", "launch_edit", "launch_move",
           "launch_outcome", "load_limits", "preread_export", "preread_page", "quarter", "quarter_now", "launch_score", "launch_status", "launch_tier", "launches_import", "occurrence",
           "occurrence_decision", "occurrence_notes", "occurrence_tier", "retrospective", "ritual", "ritual_delete", "ritual_edit",
           "ritual_pause", "rituals", "rubric", "tier_confirm"]
