"""Changes to accounts: sign-up, email verification, profile and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from . import consent
from .age import needs_guardian_consent, validate_birth_year
from .countries import is_known_country
from .emails import mail_user
from .models import Role, User
from .selectors import normalize_email, user_by_email, user_by_id

_VERIFY_SALT = "videoawards.accounts.verify-email"


class EmailVerificationError(ValidationError):
    """The link is expired (code "expired") or broken or no longer matches (code "invalid")."""


def _validate_country(country: str) -> None:
    if not is_known_country(country):
        raise ValidationError({"country": _("Please pick your country from the list.")})


def _validate_display_name(display_name: str) -> str:
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError({"display_name": _("Please choose a display name.")})
    if len(display_name) > 40:
        raise ValidationError({"display_name": _("Use at most 40 characters.")})
    return display_name


def _known_language(code: str | None) -> str:
    """A language the site offers (its base language for "de-at"), or "" for none."""
    base = (code or "").split("-")[0].lower()
    return base if base in dict(settings.LANGUAGES) else ""


def register_user(
    *,
    email: str,
    display_name: str,
    birth_year: int,
    country: str,
    password: str,
    guardian_email: str = "",
    language: str | None = None,
) -> User | None:
    """Create an unverified participant and email them a verification link.

    `language` (the one the sign-up page was read in, by default) becomes the account's
    language for emails.

    Below their country's consent age a guardian's email is required; the guardian is
    asked once the participant has confirmed their own address (see verify_email).

    When the email is already registered nothing is created and the owner of
    the address gets a note instead; the caller answers the same either way,
    so sign-up never tells strangers which addresses have accounts.
    Returns the new user, or None when the address was taken.
    """
    email = normalize_email(email)
    display_name = _validate_display_name(display_name)
    try:
        validate_birth_year(birth_year)
    except ValidationError as error:
        raise ValidationError({"birth_year": error.messages}) from error
    _validate_country(country)
    candidate = User(email=email, display_name=display_name, birth_year=birth_year)
    needs_consent = needs_guardian_consent(birth_year=birth_year, country=country.upper())
    if needs_consent:
        guardian_email = consent.validate_guardian_email(
            user=candidate, guardian_email=guardian_email
        )
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error

    user: User | None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                display_name=display_name,
                birth_year=birth_year,
                country=country.upper(),
                role=Role.PARTICIPANT,
                preferred_language=_known_language(language or translation.get_language()),
            )
            if needs_consent:
                consent.request_consent(user=user, guardian_email=guardian_email, send=False)
    except IntegrityError:
        user = None
    if user is None:
        existing = user_by_email(email)
        if existing is not None:
            mail_user(user=existing, template="signup_attempt", context={})
        return None
    send_verification_email(user=user)
    return user


def make_verification_token(*, user: User) -> str:
    """A signed token naming the user and the address; changing the email voids it."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=_VERIFY_SALT)


def send_verification_email(*, user: User) -> None:
    token = make_verification_token(user=user)
    link = settings.SITE_URL + reverse("accounts:verify_email", kwargs={"token": token})
    mail_user(
        user=user,
        template="verify_email",
        context={
            "user": user,
            "link": link,
            "valid_days": max(1, settings.EMAIL_VERIFICATION_MAX_AGE // 86400),
        },
    )


def resend_verification_email(*, email: str) -> None:
    """Send a fresh link if this address belongs to an unverified account; else do nothing."""
    user = user_by_email(email)
    if user is not None and user.is_active and user.email_verified_at is None:
        send_verification_email(user=user)


@transaction.atomic
def verify_email(*, token: str) -> tuple[User, bool]:
    """Mark the address in the token as verified.

    Returns the user and whether this call verified it (False when it already was).
    Raises EmailVerificationError for expired, tampered or outdated links.
    """
    try:
        payload = signing.loads(
            token, salt=_VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired as error:
        raise EmailVerificationError(
            _("This link has expired. We can send you a new one."), code="expired"
        ) from error
    except signing.BadSignature as error:
        raise EmailVerificationError(
            _("This link doesn't work. Please use the newest email we sent you."),
            code="invalid",
        ) from error
    user = user_by_id(payload.get("user"))
    if user is None or not user.is_active or user.email != payload.get("email"):
        raise EmailVerificationError(
            _("This link doesn't work. Please use the newest email we sent you."),
            code="invalid",
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_verified_at is not None:
        return user, False
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    consent.send_pending_request(user=user)
    return user, True


@transaction.atomic
def update_profile(
    *, user: User, display_name: str, country: str, preferred_language: str | None = None
) -> User:
    """Change what a person may change about themselves; a language of None stays as is."""
    user.display_name = _validate_display_name(display_name)
    _validate_country(country)
    user.country = country.upper()
    fields = ["display_name", "country"]
    if preferred_language is not None:
        if preferred_language and not _known_language(preferred_language) == preferred_language:
            raise ValidationError(
                {"preferred_language": _("Choose one of the languages in the list.")}
            )
        user.preferred_language = preferred_language
        fields.append("preferred_language")
    user.save(update_fields=fields)
    return user


def issue_api_token(*, user: User) -> Token:
    """The user's API token, created on first use."""
    token, _created = Token.objects.get_or_create(user=user)
    return token


def revoke_api_token(*, user: User) -> None:
    Token.objects.filter(user=user).delete()
