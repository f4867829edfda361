"""What happens to workspaces, members and roles, for the apps above to act on.

Workspaces sit below the matrices and the rituals, so they announce changes instead of
calling up: raci records a renamed role in each matrix's history and recounts findings when
holders change; rituals give a new workspace the team's cadence. Receivers run inside the
sender's transaction, so a receiver that raises undoes the change.
"""

from django.dispatch import Signal

# sender=Workspace; workspace
workspace_created = Signal()
# sender=Role; role, before, after (dicts of name, code, description), actor
role_updated = Signal()
# sender=Role; role. A receiver raises InvalidInput to refuse (the role is still in use).
role_deleting = Signal()
# sender=Role; role_ids whose holders changed (a member left, holders were set); actor if known
holders_changed = Signal()
# sender=Phase; phase, before, after (names), actor
phase_renamed = Signal()
# sender=Phase; phase. A receiver raises InvalidInput to refuse (activities are in it).
phase_deleting = Signal()
# sender=Phase; phase, before, after (who drives, as `relay_label` says it), actor
phase_relay_changed = Signal()
