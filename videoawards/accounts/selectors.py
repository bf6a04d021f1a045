"""Reads about accounts, including the one rule for who may take part."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .age import needs_guardian_consent, youngest_birth_year_without_consent
from .countries import countries_by_consent_age
from .models import GuardianConsent, User
from .permissions import is_verified


def normalize_email(email: str) -> str:
    """Emails are stored and compared lower-cased and without surrounding spaces."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email=normalize_email(email)).first()


def user_by_id(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


# --- Guardian consent ---


def current_consent(*, user: User) -> GuardianConsent | None:
    """The open request or the consent given, if any (the database allows one at most)."""
    return (
        GuardianConsent.objects.filter(
            user=user,
            status__in=[GuardianConsent.Status.REQUESTED, GuardianConsent.Status.GIVEN],
        )
        .order_by("-requested_at", "-pk")
        .first()
    )


def latest_consent(*, user: User) -> GuardianConsent | None:
    return GuardianConsent.objects.filter(user=user).order_by("-requested_at", "-pk").first()


def user_needs_guardian_consent(user: User, *, today: date | None = None) -> bool:
    """Below the consent age of their country (whether or not a guardian agreed)."""
    return needs_guardian_consent(birth_year=user.birth_year, country=user.country, today=today)


def has_guardian_consent(user: User) -> bool:
    return GuardianConsent.objects.filter(user=user, status=GuardianConsent.Status.GIVEN).exists()


def may_take_part(user) -> bool:
    """The one rule for submitting entries, voting and appearing anywhere public:
    logged in with a confirmed email, and a guardian's consent where the person is
    below their country's age of digital consent. Browsing and workshops need neither.
    """
    if not is_verified(user):
        return False
    return not user_needs_guardian_consent(user) or has_guardian_consent(user)


def take_part_problem(user) -> str | None:
    """Why `user` may not send in videos yet (may_take_part), in words for a teenager, with
    what to do; None when they may."""
    if not is_verified(user):
        return _("Confirm your email address first: open the link we emailed you.")
    if not user_needs_guardian_consent(user) or has_guardian_consent(user):
        return None
    consent = latest_consent(user=user)
    if consent is not None and consent.status == GuardianConsent.Status.DECLINED:
        return _(
            "Your parent or guardian said no, so you can't send in videos or vote. You can "
            "still look around and sign up for workshops. If they change their mind, ask "
            "for their OK again on your profile page."
        )
    return _(
        "Your parent or guardian hasn't said yes yet. Once they agree, you can make entries, "
        "upload videos and vote. Until then you can look around and sign up for workshops. "
        "You can send them the request again from your profile page."
    )


def _needs_consent_q(today: date | None = None) -> Q:
    """Users below their country's consent age, as a filter (mirrors needs_guardian_consent)."""
    condition = Q()
    ruled: list[str] = []
    for age, codes in countries_by_consent_age().items():
        born_after = youngest_birth_year_without_consent(consent_age=age, today=today)
        condition |= Q(country__in=codes, birth_year__gt=born_after)
        ruled.extend(codes)
    default_after = youngest_birth_year_without_consent(
        consent_age=settings.ACCOUNTS_DEFAULT_CONSENT_AGE, today=today
    )
    condition |= ~Q(country__in=ruled) & Q(birth_year__gt=default_after)
    return condition & Q(birth_year__isnull=False)


def users_lacking_consent(*, today: date | None = None) -> QuerySet[User]:
    """Everyone below the consent age without a guardian's consent in force: nothing of
    theirs may be public. Other apps filter public content with this."""
    given = GuardianConsent.objects.filter(user=OuterRef("pk"), status=GuardianConsent.Status.GIVEN)
    return User.objects.filter(_needs_consent_q(today or timezone.localdate())).exclude(
        Exists(given)
    )
