"""The phases that group a matrix's activities (see `workspaces.phases`, where a
workspace's own phases are defined): the lifecycle keys and names raci uses by default."""

from workspaces.phases import LIFECYCLE, UNPHASED, PhaseList, parse_phase

PHASES = LIFECYCLE
PHASE_LABELS = dict(PHASES) | {UNPHASED: "Unphased"}
PHASE_ORDER = {key: index for index, (key, _) in enumerate(PHASES)} | {UNPHASED: len(PHASES)}

__all__ = ["PHASES", "PHASE_LABELS", "PHASE_ORDER", "UNPHASED", "PhaseList", "parse_phase"]
