"""Writes for launches, one module a topic. Keyword-only, typed, one transaction each; they
raise `core.errors` (the response layer maps them to statuses).

Every id that comes from a request is looked up inside the workspace of the URL.
"""

from launches.services.calendar import (
    avoid_date_add,
    avoid_date_remove,
    feed_token_regenerate,
)
from launches.services.cycles import cycle_create, parse_quarter
from launches.services.launch import (
    OUTCOMES,
    STATUSES,
    ImportRefused,
    clean_name,
    dependency_add,
    dependency_remove,
    hand_over_launches,
    launch_channel_set,
    launch_create,
    launch_move_to_quarter,
    launch_update,
    launches_import,
    status_update,
)
from launches.services.outcomes import outcome_record
from launches.services.readiness import GoRefused, go_record, item_update
from launches.services.rubric import load_limits_set, rubric_update
from launches.services.tiers import (
    checklist_owners_follow,
    checklist_owners_refresh,
    holders_named,
    item_choose_role,
    item_owner_from_template,
    launch_score,
    launch_set_tier,
    tier_confirm,
)

__all__ = [
    "GoRefused",
    "ImportRefused",
    "OUTCOMES",
    "STATUSES",
    "avoid_date_add",
    "avoid_date_remove",
    "checklist_owners_follow",
    "checklist_owners_refresh",
    "holders_named",
    "clean_name",
    "cycle_create",
    "dependency_add",
    "dependency_remove",
    "feed_token_regenerate",
    "go_record",
    "hand_over_launches",
    "item_choose_role",
    "item_owner_from_template",
    "item_update",
    "launch_create",
    "launch_move_to_quarter",
    "launch_score",
    "launch_set_tier",
    "launch_update",
    "launch_channel_set",
    "launches_import",
    "load_limits_set",
    "outcome_record",
    "parse_quarter",
    "rubric_update",
    "status_update",
    "tier_confirm",
]
