"""Age rules that work from a birth year alone (we never store a birth date)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .countries import consent_age

MINIMUM_AGE = 8
EARLIEST_BIRTH_YEAR = 1900


def age_this_year(birth_year: int, *, today: date | None = None) -> int:
    """The age a person turns (or turned) this calendar year."""
    today = today or timezone.localdate()
    return today.year - birth_year


def birth_year_choices(*, today: date | None = None) -> list[tuple[str, str]]:
    """Years for a select, youngest first: the last 100 years plus an empty choice."""
    year = (today or timezone.localdate()).year
    return [("", _("Choose a year")), *((str(y), str(y)) for y in range(year, year - 101, -1))]


def validate_birth_year(birth_year: int, *, today: date | None = None) -> None:
    """Raise ValidationError unless the year is plausible and the person is old enough."""
    today = today or timezone.localdate()
    if not EARLIEST_BIRTH_YEAR <= birth_year <= today.year:
        raise ValidationError(
            _("Please pick a birth year between %(first)s and %(last)s.")
            % {"first": EARLIEST_BIRTH_YEAR, "last": today.year},
            code="implausible_birth_year",
        )
    if age_this_year(birth_year, today=today) < MINIMUM_AGE:
        raise ValidationError(
            _("You need to be at least %(age)s years old to join videoawards.")
            % {"age": MINIMUM_AGE},
            code="too_young",
        )


def needs_guardian_consent(
    *, birth_year: int | None, country: str, today: date | None = None
) -> bool:
    """True while a guardian must agree for this person (GDPR Art. 8).

    We know only the birth year, so someone who turns the consent age this year counts
    as still below it until the next year starts: the safe side of the two ages they
    may be. Accounts without a birth year (staff made by an operator) need no consent.
    """
    if birth_year is None:
        return False
    return age_this_year(birth_year, today=today) - 1 < consent_age(country)


def youngest_birth_year_without_consent(*, consent_age: int, today: date | None = None) -> int:
    """People born after this year need a guardian's consent where `consent_age` applies."""
    return (today or timezone.localdate()).year - consent_age - 1
