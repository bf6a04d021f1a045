"""Hooks other apps listen to (badges), so voting need not know them."""

from django.dispatch import Signal

# Sent when a juror has served in a round: when they submit the last review assigned to
# them, and for every juror with a submitted review when results are published.
# Keyword arguments: round, juror. Sent inside the transaction; receivers must be idempotent.
juror_served = Signal()
