"""Hooks other apps listen to (badges), so workshops need not know them."""

from django.dispatch import Signal

# Sent by services.mark_attendance inside its transaction, after the registration is saved,
# each time an organiser sets or changes whether someone attended.
# Keyword arguments: registration, attended (bool), by (the organiser).
attendance_marked = Signal()
