"""Hooks other apps listen to (badges, notifications), so challenges need not know them."""

from django.dispatch import Signal

# Sent by services.transition_entry inside its transaction, after the new state is saved.
# Keyword arguments: entry, from_state, to_state, by (the user who moved it), reason.
# A receiver's database writes commit or roll back with the state change; work outside
# the database (email, tasks) belongs in transaction.on_commit() inside the receiver.
entry_state_changed = Signal()

# Sent by services.curate_feature after an organiser pinned, hid or moved a homepage
# feature, and by feature_entry / unfeature when a pick is made or removed (before it is
# deleted). Keyword arguments: feature, by, changes (field name -> new value, or
# "featured" -> True / False for a pick).
feature_curated = Signal()

# Sent after a challenge moved to another phase (services.advance_phase, follow_schedule,
# publishing results), once the change is committed. Keyword arguments: challenge.
phase_changed = Signal()
