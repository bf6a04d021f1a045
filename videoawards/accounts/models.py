"""People and the provider networks they belong to.

We keep as little as we can about minors: an email to log in, a public display
name, a birth year (never a date) and a country.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProviderNetwork(models.Model):
    """A STEM provider (network, school, science centre) that runs workshops and challenges."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider network")
        verbose_name_plural = _("provider networks")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    JUROR = "juror", _("Juror")
    MODERATOR = "moderator", _("Moderator")
    ORGANISER = "organiser", _("Organiser")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """Log-in is by email, whatever its case (addresses are stored lower-case)."""
        return self.get(email=(username or "").strip().lower())

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.ORGANISER)
        extra_fields.setdefault("display_name", email.split("@")[0][:40])
        # Made by an operator on the command line: there is no inbox to confirm.
        extra_fields.setdefault("email_verified_at", timezone.now())
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account: logs in by email and is shown to others by display name only."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=40,
        help_text=_("Shown to others instead of your name. Don't use your full real name."),
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO 3166 country code, e.g. DE.")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.PARTICIPANT)
    provider_network = models.ForeignKey(
        ProviderNetwork,
        verbose_name=_("provider network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    is_platform_staff = models.BooleanField(
        _("platform-wide staff"),
        default=False,
        help_text=_(
            "Moderates or organises for every provider network. Without it, a moderator or "
            "organiser acts only for their own network (and for none without one)."
        ),
    )
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    preferred_language = models.CharField(
        _("language for emails"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Emails from videoawards come in this language."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="user_birth_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or f"user {self.pk}"

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def is_email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_organiser(self) -> bool:
        return self.is_superuser or self.role == Role.ORGANISER

    @property
    def is_moderator(self) -> bool:
        """Moderators and organisers may moderate."""
        return self.is_organiser or self.role == Role.MODERATOR

    @property
    def is_juror(self) -> bool:
        return self.role == Role.JUROR


def new_link_key() -> str:
    return secrets.token_urlsafe(16)


class GuardianConsent(models.Model):
    """A parent's or guardian's answer for a participant below the consent age (GDPR Art. 8).

    One row per request; at most one is current (requested or given). Rows that ended
    (declined, withdrawn) stay as the record of what happened, without the guardian's
    email, which we keep only while we may need to write to them.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the guardian")
        GIVEN = "given", _("Given")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(
        User, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="consents"
    )
    guardian_email = models.EmailField(_("guardian's email"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.REQUESTED)
    # Part of every signed link: changing the address makes the old links stop working.
    link_key = models.CharField(max_length=32, default=new_link_key)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    last_sent_at = models.DateTimeField(_("last emailed at"), null=True, blank=True)
    given_at = models.DateTimeField(_("given at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("guardian consent")
        verbose_name_plural = _("guardian consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["requested", "given", "declined", "withdrawn"]),
                name="guardian_consent_status_known",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["requested", "given"]),
                name="guardian_consent_one_current_per_user",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["requested", "given"]) | ~Q(guardian_email=""),
                name="guardian_consent_current_has_email",
            ),
            models.CheckConstraint(
                condition=~Q(status="given") | Q(given_at__isnull=False),
                name="guardian_consent_given_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | Q(declined_at__isnull=False),
                name="guardian_consent_declined_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn")
                | Q(withdrawn_at__isnull=False, given_at__isnull=False),
                name="guardian_consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"guardian consent for {self.user} ({self.status})"


class LoginSession(models.Model):
    """A browser session someone logged in with, so that erasing the account (or a
    guardian deleting it) ends every one of them, wherever the sessions are stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
