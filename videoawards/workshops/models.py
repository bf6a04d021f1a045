"""Workshops where teens learn video-making, and who registered for them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Workshop(models.Model):
    """A workshop a provider network runs, online or in a city, for a limited number of people."""

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        ON_SITE = "on_site", _("On site")

    provider_network = models.ForeignKey(
        "accounts.ProviderNetwork",
        verbose_name=_("provider network"),
        on_delete=models.PROTECT,
        related_name="workshops",
    )
    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    description = models.TextField(_("description"), blank=True)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode, default=Mode.ON_SITE)
    # Data minimisation for minors: a city, never a street address.
    city = models.CharField(
        _("city"),
        max_length=80,
        blank=True,
        help_text=_("Only the city, never a street address. Leave empty for online workshops."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"))
    registration_deadline = models.DateTimeField(_("registration deadline"))
    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("challenge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshops",
    )
    is_published = models.BooleanField(_("published"), default=True)
    # Set once by services.cancel_workshop; a cancelled workshop takes no registrations.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(
        _("reason for cancelling"),
        blank=True,
        help_text=_("Sent to everyone registered and shown on the workshop page."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="workshop_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="workshop_capacity_positive"),
            models.CheckConstraint(
                condition=Q(registration_deadline__lte=F("starts_at")),
                name="workshop_deadline_before_start",
            ),
            models.CheckConstraint(
                condition=Q(mode="online", city="") | (Q(mode="on_site") & ~Q(city="")),
                name="workshop_city_iff_on_site",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:detail", kwargs={"slug": self.slug})

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def location(self) -> str:
        """What to show as the place: the city, or "Online"."""
        return str(self.Mode.ONLINE.label) if self.mode == self.Mode.ONLINE else self.city

    def clean(self) -> None:
        """The same rules as the database constraints, in words an organiser understands."""
        errors: dict[str, str] = {}
        self.city = (self.city or "").strip()
        if self.mode == self.Mode.ON_SITE and not self.city:
            errors["city"] = _("Say in which city the workshop takes place.")
        if self.mode == self.Mode.ONLINE and self.city:
            errors["city"] = _("An online workshop has no city. Leave this empty.")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The workshop must end after it starts.")
        if (
            self.starts_at
            and self.registration_deadline
            and self.registration_deadline > self.starts_at
        ):
            errors["registration_deadline"] = _(
                "Registration must close before the workshop starts."
            )
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("A workshop needs at least one place.")
        if errors:
            raise ValidationError(errors)


class Registration(models.Model):
    """A participant's place on a workshop: confirmed, on the waitlist, or cancelled.

    The waitlist is ordered by `created_at`; a cancelled registration is kept (with its
    times) and the participant may register again later, at the end of the waitlist.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="registrations"
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="workshop_registrations",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # None until an organiser marks attendance.
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # One registration per person and workshop (cancelled ones aside).
            models.UniqueConstraint(
                fields=["workshop", "participant"],
                condition=~Q(status="cancelled"),
                name="registration_one_active_per_participant",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "waitlisted", "cancelled"]),
                name="registration_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="registration_confirmed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="registration_cancelled_has_time",
            ),
            models.CheckConstraint(
                condition=Q(attended__isnull=True) | Q(status="confirmed"),
                name="registration_attendance_only_when_confirmed",
            ),
        ]
        indexes = [models.Index(fields=["workshop", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.workshop} ({self.status})"
