"""Guardian consent: asking a parent or guardian, their answer, and withdrawing it.

The guardian needs no account. They act through signed links (django.core.signing)
that name the consent row and its link key: the confirm-or-decline link expires after
settings.ACCOUNTS_GUARDIAN_LINK_MAX_AGE; the manage link (withdraw, download, delete),
sent once they agreed, works as long as that consent row exists. Changing the
guardian's address gives the row a new link key, so links sent before stop working.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from videoawards.core.mail import queue_mail

from .emails import mail_language
from .models import GuardianConsent, User, new_link_key
from .selectors import current_consent, normalize_email, user_needs_guardian_consent
from .signals import consent_withdrawn

_REQUEST_SALT = "videoawards.accounts.guardian-request"
_MANAGE_SALT = "videoawards.accounts.guardian-manage"
Status = GuardianConsent.Status


class GuardianLinkError(ValidationError):
    """The link expired (code "expired") or is broken or outdated (code "invalid")."""


def validate_guardian_email(*, user: User, guardian_email: str) -> str:
    guardian_email = normalize_email(guardian_email)
    if not guardian_email:
        raise ValidationError(
            {"guardian_email": _("Please type the email of a parent or guardian.")}
        )
    try:
        validate_email(guardian_email)
    except ValidationError as error:
        raise ValidationError(
            {"guardian_email": _("This doesn't look like an email address.")}
        ) from error
    if guardian_email == user.email:
        raise ValidationError(
            {"guardian_email": _("Please use the email of your parent or guardian, not your own.")}
        )
    return guardian_email


# --- Links ---


def _token(consent: GuardianConsent, salt: str) -> str:
    return signing.dumps({"c": consent.pk, "k": consent.link_key}, salt=salt)


def request_link(consent: GuardianConsent) -> str:
    token = _token(consent, _REQUEST_SALT)
    return settings.SITE_URL + reverse("accounts:guardian_consent", kwargs={"token": token})


def manage_link(consent: GuardianConsent) -> str:
    token = _token(consent, _MANAGE_SALT)
    return settings.SITE_URL + reverse("accounts:guardian_manage", kwargs={"token": token})


def _invalid() -> GuardianLinkError:
    return GuardianLinkError(
        _("This link doesn't work. Please use the newest email we sent you."), code="invalid"
    )


def _consent_from(token: str, *, salt: str, max_age: int | None) -> GuardianConsent:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise GuardianLinkError(
            _("This link has expired. Your child can send you a new one from their profile page."),
            code="expired",
        ) from error
    except signing.BadSignature as error:
        raise _invalid() from error
    consent = (
        GuardianConsent.objects.select_related("user")
        .filter(pk=payload.get("c"), link_key=payload.get("k"))
        .first()
    )
    if consent is None or not consent.user.is_active:
        raise _invalid()
    return consent


def consent_from_request_token(token: str) -> GuardianConsent:
    return _consent_from(token, salt=_REQUEST_SALT, max_age=settings.ACCOUNTS_GUARDIAN_LINK_MAX_AGE)


def consent_from_manage_token(token: str) -> GuardianConsent:
    return _consent_from(token, salt=_MANAGE_SALT, max_age=None)


# --- The participant asks ---


def _email_request(consent: GuardianConsent) -> None:
    # A guardian has no account: the participant's language is the best guess for theirs.
    queue_mail(
        to=consent.guardian_email,
        template="guardian_request",
        folder="accounts/email",
        language=mail_language(consent.user),
        context={
            "participant": consent.user,
            "link": request_link(consent),
            "valid_days": max(1, settings.ACCOUNTS_GUARDIAN_LINK_MAX_AGE // 86400),
        },
    )
    consent.last_sent_at = timezone.now()
    consent.save(update_fields=["last_sent_at"])


@transaction.atomic
def request_consent(*, user: User, guardian_email: str, send: bool = True) -> GuardianConsent:
    """Ask a guardian (a new request, or a new address for the open one) and email them.

    Only for people who need consent and have none in force. With send=False the
    request is only recorded (sign-up: the email goes once the participant's own
    address is confirmed, so strangers' sign-ups don't mail guardians).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user_needs_guardian_consent(user):
        raise ValidationError(_("You don't need a guardian's consent."), code="not_needed")
    guardian_email = validate_guardian_email(user=user, guardian_email=guardian_email)
    consent = current_consent(user=user)
    if consent is not None and consent.status == Status.GIVEN:
        raise ValidationError(
            _("Your guardian already agreed. They can withdraw it with the link we sent them."),
            code="already_given",
        )
    if consent is None:
        consent = GuardianConsent.objects.create(user=user, guardian_email=guardian_email)
    elif consent.guardian_email != guardian_email:
        consent.guardian_email = guardian_email
        consent.link_key = new_link_key()
        consent.requested_at = timezone.now()
        consent.save(update_fields=["guardian_email", "link_key", "requested_at"])
    if send and user.is_email_verified:
        _email_request(consent)
    return consent


def send_pending_request(*, user: User) -> GuardianConsent | None:
    """Email the guardian the open request that has not been sent yet (after sign-up)."""
    consent = current_consent(user=user)
    if consent is None or consent.status != Status.REQUESTED or consent.last_sent_at:
        return None
    _email_request(consent)
    return consent


def resend_request(*, user: User) -> GuardianConsent:
    """Email the open request again (views rate-limit this per participant)."""
    consent = current_consent(user=user)
    if consent is None or consent.status != Status.REQUESTED:
        raise ValidationError(
            _("There is no open request to send again. Type your guardian's email below."),
            code="no_request",
        )
    if not user.is_email_verified:
        raise ValidationError(_("Please confirm your own email first."), code="unverified")
    _email_request(consent)
    return consent


# --- The guardian answers ---


def _locked(consent: GuardianConsent) -> GuardianConsent:
    return GuardianConsent.objects.select_for_update().select_related("user").get(pk=consent.pk)


@transaction.atomic
def give_consent(*, consent: GuardianConsent) -> GuardianConsent:
    """The guardian agrees; they get an email with the link to withdraw later."""
    consent = _locked(consent)
    if consent.status == Status.GIVEN:
        return consent
    if consent.status != Status.REQUESTED:
        raise ValidationError(_("This request is no longer open."), code="not_open")
    consent.status = Status.GIVEN
    consent.given_at = timezone.now()
    consent.save(update_fields=["status", "given_at"])
    # A guardian has no account: the participant's language is the best guess for theirs.
    queue_mail(
        to=consent.guardian_email,
        template="guardian_given",
        folder="accounts/email",
        language=mail_language(consent.user),
        context={"participant": consent.user, "manage_link": manage_link(consent)},
    )
    return consent


@transaction.atomic
def decline_consent(*, consent: GuardianConsent) -> GuardianConsent:
    """The guardian says no; we forget their address (there is nothing more to send)."""
    consent = _locked(consent)
    if consent.status == Status.DECLINED:
        return consent
    if consent.status != Status.REQUESTED:
        raise ValidationError(_("This request is no longer open."), code="not_open")
    consent.status = Status.DECLINED
    consent.declined_at = timezone.now()
    consent.guardian_email = ""
    consent.save(update_fields=["status", "declined_at", "guardian_email"])
    return consent


@transaction.atomic
def withdraw_consent(*, consent: GuardianConsent) -> GuardianConsent:
    """The guardian takes consent back: the participant's entries leave public pages (the
    public selectors filter them) and their portfolio becomes private again (badges
    receives consent_withdrawn)."""
    consent = _locked(consent)
    if consent.status == Status.WITHDRAWN:
        return consent
    if consent.status != Status.GIVEN:
        raise ValidationError(_("There is no consent to withdraw."), code="not_given")
    consent.status = Status.WITHDRAWN
    consent.withdrawn_at = timezone.now()
    consent.guardian_email = ""
    consent.save(update_fields=["status", "withdrawn_at", "guardian_email"])
    consent_withdrawn.send(sender=GuardianConsent, user=consent.user)
    return consent
