"""A workshop's registrations and attendance as CSV, for organisers' spreadsheets.

Data minimisation: the file holds what running the workshop needs (who, their status,
when they registered, whether they came) and nothing else. Many participants are
minors, and a spreadsheet leaves the platform, gets forwarded and outlives any erasure
here, so it carries no birth years and no email addresses at all, not even of adults:
we know ages only from a birth year, so "adult" would be a guess, and organisers reach
registrants through the platform's own mail (the cancellation mail, for one).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Registration

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """The text as a spreadsheet shows it, never as a formula: a leading quote defuses it."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def _attended(registration: Registration) -> str:
    if registration.attended is None:
        return ""
    return _("yes") if registration.attended else _("no")


def registrations_csv(registrations: Iterable[Registration]) -> str:
    """One row per registration; the registrations come with their participants."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Display name"), _("Status"), _("Registered at"), _("Attended")])
    for registration in registrations:
        registered = timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M")
        writer.writerow(
            [
                safe_cell(cell)
                for cell in (
                    registration.participant.display_name,
                    str(registration.get_status_display()),
                    registered,
                    _attended(registration),
                )
            ]
        )
    return out.getvalue()
