"""Admin for organisers: workshops of their network, and registrations with attendance.

Organisers (staff, role organiser) use these pages without Django model permissions,
as in the challenges admin; network organisers see only their own network's workshops.
Registrations change only through the services: participants sign up and cancel
themselves, organisers mark attendance with the actions here.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from videoawards.accounts.permissions import can_use_admin
from videoawards.core.admin import OrganiserAdminMixin

from . import services
from .models import Registration, Workshop


class WorkshopOrganiserMixin(OrganiserAdminMixin):
    network_field = "workshop__provider_network"

    def _organiser(self, request: HttpRequest, obj=None) -> bool:
        if not can_use_admin(request.user):
            return False
        if obj is None:
            return True
        workshop = obj if isinstance(obj, Workshop) else obj.workshop
        return services.can_manage(request.user, workshop)


@admin.register(Workshop)
class WorkshopAdmin(WorkshopOrganiserMixin, admin.ModelAdmin):
    network_field = "provider_network"
    list_display = [
        "title",
        "provider_network",
        "where",
        "starts_at",
        "capacity",
        "confirmed_count",
        "waitlist_count",
        "is_published",
        "attendance_link",
    ]
    list_filter = ["is_published", "mode", "provider_network", "starts_at"]
    search_fields = ["title", "slug", "city"]
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "starts_at"
    fieldsets = [
        (None, {"fields": ["title", "slug", "provider_network", "description", "is_published"]}),
        (_("Where"), {"fields": ["mode", "city"]}),
        (_("When"), {"fields": ["starts_at", "ends_at", "registration_deadline"]}),
        (_("Places"), {"fields": ["capacity", "challenge"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("provider_network")
            .annotate(
                n_confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
                n_waitlisted=Count("registrations", filter=Q(registrations__status="waitlisted")),
            )
        )

    @admin.display(description=_("where"))
    def where(self, obj: Workshop) -> str:
        return obj.location

    @admin.display(description=_("confirmed"), ordering="n_confirmed")
    def confirmed_count(self, obj: Workshop) -> int:
        return obj.n_confirmed

    @admin.display(description=_("waitlist"), ordering="n_waitlisted")
    def waitlist_count(self, obj: Workshop) -> int:
        return obj.n_waitlisted

    @admin.display(description=_("attendance"))
    def attendance_link(self, obj: Workshop) -> str:
        url = reverse("workshops:attendance", kwargs={"slug": obj.slug})
        return format_html('<a href="{}">{}</a>', url, _("Mark attendance"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            promoted = services.fill_free_places(workshop=obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d person moved up from the waitlist.",
                        "%(count)d people moved up from the waitlist.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )


def _mark(modeladmin, request, queryset: QuerySet[Registration], attended: bool) -> None:
    marked = 0
    for registration in queryset.select_related("workshop", "participant"):
        try:
            services.mark_attendance(registration=registration, attended=attended, by=request.user)
            marked += 1
        except (ValidationError, PermissionDenied) as error:
            modeladmin.message_user(
                request,
                f"{registration}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                messages.WARNING,
            )
    if marked:
        modeladmin.message_user(
            request,
            ngettext(
                "Attendance saved for %(count)d registration.",
                "Attendance saved for %(count)d registrations.",
                marked,
            )
            % {"count": marked},
            messages.SUCCESS,
        )


@admin.register(Registration)
class RegistrationAdmin(WorkshopOrganiserMixin, admin.ModelAdmin):
    organisers_may_add = False  # participants sign up themselves
    organisers_may_delete = False  # and cancel themselves; the row stays as history
    list_display = ["participant", "workshop", "status", "attended", "created_at", "confirmed_at"]
    list_filter = ["status", "attended", "workshop__provider_network", "workshop"]
    list_select_related = ["participant", "workshop"]
    search_fields = ["participant__display_name", "participant__email", "workshop__title"]
    # Everything is read-only here; attendance moves through the actions.
    readonly_fields = [
        "workshop",
        "participant",
        "status",
        "attended",
        "created_at",
        "confirmed_at",
        "cancelled_at",
    ]
    actions = ["mark_attended", "mark_not_attended"]

    @admin.action(description=_("Mark as attended (gives the workshop badge)"))
    def mark_attended(self, request, queryset):
        _mark(self, request, queryset, attended=True)

    @admin.action(description=_("Mark as not attended"))
    def mark_not_attended(self, request, queryset):
        _mark(self, request, queryset, attended=False)
