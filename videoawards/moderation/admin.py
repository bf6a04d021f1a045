"""Read-only admin for reports and the audit log.

Audit events can be read (organisers: their network's, platform organisers: all) but
never added, changed or deleted here. Reports are decided on the moderation queue page,
where the decision is audited; the admin only shows them.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from videoawards.accounts.permissions import can_use_admin
from videoawards.challenges.admin import EntryAdmin, move_entries
from videoawards.challenges.models import Entry, EntryState
from videoawards.core.client import client_address
from videoawards.core.scope import scope_queryset

from . import selectors, services
from .models import AuditEvent, Report


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_use_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return can_use_admin(request.user)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor", "target_label", "target_type", "reason")
    list_filter = ("action", "target_type", "created_at")
    list_select_related = ("actor", "target_type")
    search_fields = ("target_label", "reason", "actor__display_name", "actor__email")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "action",
        "actor",
        "target_type",
        "target_id",
        "target_label",
        "provider_network",
        "reason",
        "data",
        "ip_address",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return selectors.audit_events(user=request.user)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "entry", "reason", "decision", "decided_at")
    list_filter = ("reason", "decision")
    list_select_related = ("entry",)
    fields = ("entry", "reason", "details", "created_at", "decision", "decided_by", "decided_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Report]:
        qs = super().get_queryset(request)
        return scope_queryset(
            qs, user=request.user, network_field="entry__challenge__provider_network"
        )


class ModeratedEntryAdmin(EntryAdmin):
    """The entry admin with the approval action, which is moderation's to audit."""

    actions = ["approve", *EntryAdmin.actions]

    @admin.action(description=_("Approve (submitted entries)"))
    def approve(self, request, queryset):
        # Through moderation, so the approval is audited like one from the queue.
        def move(entry: Entry) -> None:
            services.approve_entry(
                entry=entry, by=request.user, ip_address=client_address(request) or None
            )

        move_entries(self, request, queryset, EntryState.APPROVED, move=move)


admin.site.unregister(Entry)
admin.site.register(Entry, ModeratedEntryAdmin)
