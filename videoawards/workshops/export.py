"""A workshop's registrations and attendance as CSV, for organisers' spreadsheets.

Data minimisation: the file holds what running the workshop needs (who, their status,
when they registered, whether they came) and nothing else. Many participants are
minors, and a spreadsheet leaves the platform, gets forwarded and outlives any erasure
here, so it carries no birth years and no email addresses at all, not even of adults:
we know ages only from a birth year, so "adult" would be a guess, and organisers reach
registrants through the platform's own mail (the cancellation mail, for one).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from videoawards.core.csvexport import csv_text

from .models import Registration


def _attended(registration: Registration) -> str:
    if registration.attended is None:
        return ""
    return _("yes") if registration.attended else _("no")


def registrations_csv(registrations: Iterable[Registration]) -> str:
    """One row per registration; the registrations come with their participants."""
    return csv_text(
        [_("Display name"), _("Status"), _("Registered at"), _("Attended")],
        (
            (
                registration.participant.display_name,
                str(registration.get_status_display()),
                registration.created_at,
                _attended(registration),
            )
            for registration in registrations
        ),
    )
