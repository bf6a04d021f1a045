"""Admin for organisers: challenges with their categories and awards, and entries.

Organisers (is_staff, role organiser) get full use of these pages without Django
model permissions: the access policy decides (core.admin), and network organisers only see
their own network's challenges and entries. Entry states move only through the
services (admin actions), so ENTRY_TRANSITIONS cannot be bypassed here.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from videoawards.core.admin import OrganiserAdminMixin

from . import services
from .models import Award, Category, Challenge, Entry, EntryCreator, EntryState, Feature


class CategoryInline(OrganiserAdminMixin, admin.TabularInline):
    model = Category
    prepopulated_fields = {"slug": ("name",)}
    extra = 0


class AwardInline(OrganiserAdminMixin, admin.StackedInline):
    model = Award
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only categories of the challenge being edited.
        if db_field.name == "category":
            challenge_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Category.objects.filter(challenge_id=challenge_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Challenge)
class ChallengeAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    network_field = "provider_network"
    list_display = ["title", "phase_label", "entries_open_at", "entries_close_at", "is_published"]
    list_filter = ["is_published", "provider_network", "entries_open_at"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "entries_open_at"
    inlines = [CategoryInline, AwardInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "provider_network", "is_published"]}),
        (_("What it is about"), {"fields": ["brief", "rules"]}),
        (
            _("Timeline"),
            {
                "fields": [
                    "entries_open_at",
                    "entries_close_at",
                    "voting_opens_at",
                    "voting_closes_at",
                    "results_at",
                ]
            },
        ),
        (_("Limits"), {"fields": ["max_duration_seconds", "max_file_size_bytes"]}),
    ]
    actions = ["retranscode_videos"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_published" in form.changed_data and not obj.is_published:
            # Unpublished: the video links already handed out stop working too.
            services.revoke_challenge_media(obj)

    @admin.action(
        description=_("Re-transcode every video of these challenges (after a ladder change)")
    )
    def retranscode_videos(self, request: HttpRequest, queryset: QuerySet[Challenge]) -> None:
        count = services.retranscode_challenge_videos(challenges=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d video queued for a new version.",
                "%(count)d videos queued for a new version.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.display(description=_("phase"))
    def phase_label(self, obj: Challenge) -> str:
        return obj.phase().label


class EntryCreatorInline(OrganiserAdminMixin, admin.TabularInline):
    """The team. Rows are added and deleted through services.add_creator and
    remove_creator (EntryAdmin.save_formset), so the admin keeps the same rules as the
    entry page: editable entries only, a full team refused, the last creator stays."""

    model = EntryCreator
    network_field = "entry__challenge__provider_network"
    raw_id_fields = ["user"]
    readonly_fields = ["joined_at"]
    extra = 0

    def get_readonly_fields(self, request, obj=None):
        # A member is added or removed, never swapped for someone else in place.
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)


def move_entries(modeladmin, request, queryset: QuerySet[Entry], to_state: str, move=None) -> None:
    moved = 0
    for entry in queryset:
        try:
            if move is not None:
                move(entry)
            else:
                services.transition_entry(entry=entry, to_state=to_state, by=request.user)
            moved += 1
        except (ValidationError, PermissionDenied) as error:
            modeladmin.message_user(
                request,
                f"{entry}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                messages.WARNING,
            )
    if moved:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d entry is now “%(state)s”.",
                "%(count)d entries are now “%(state)s”.",
                moved,
            )
            % {"count": moved, "state": EntryState(to_state).label},
            messages.SUCCESS,
        )


@admin.register(Entry)
class EntryAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    # Participants make entries (create_entry); they leave by withdrawal or account erasure.
    organisers_may_add = False
    organisers_may_delete = False
    list_display = ["title", "challenge", "category", "team_name", "state", "submitted_at"]
    list_filter = ["state", "challenge"]
    list_select_related = ["challenge", "category"]
    search_fields = ["title", "team_name", "challenge__title"]
    readonly_fields = [
        "state",
        "moderation_reason",
        "hidden_at",  # hidden and kept only on the moderation page, which audits it
        "hidden_reason",
        "submitted_at",
        "state_changed_at",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["media_asset"]
    inlines = [EntryCreatorInline]
    # moderation/admin.py adds "approve" in front: approving is a moderation service.
    actions = ["make_finalist", "make_winner"]

    def get_readonly_fields(self, request, obj=None):
        # The challenge is chosen once; moving an entry between challenges breaks its category.
        return [*self.readonly_fields, "challenge"] if obj else self.readonly_fields

    def save_formset(self, request, form, formset, change):
        if formset.model is not EntryCreator:
            super().save_formset(request, form, formset, change)
            return
        entry = form.instance
        for row in formset.forms:
            if not row.has_changed() and not formset._should_delete_form(row):
                continue
            try:
                if formset._should_delete_form(row) and row.instance.pk:
                    services.remove_creator(entry=entry, user=row.instance.user, by=request.user)
                elif not row.instance.pk and row.cleaned_data.get("user"):
                    services.add_creator(
                        entry=entry, user=row.cleaned_data["user"], by=request.user
                    )
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request,
                    " ".join(getattr(error, "messages", [str(error)])),
                    messages.WARNING,
                )

    @admin.action(description=_("Make finalist (approved entries)"))
    def make_finalist(self, request, queryset):
        move_entries(self, request, queryset, EntryState.FINALIST)

    @admin.action(description=_("Make winner (finalists)"))
    def make_winner(self, request, queryset):
        move_entries(self, request, queryset, EntryState.WINNER)


@admin.register(Feature)
class FeatureAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    """The homepage's winners and picks: organisers pin, hide and reorder them here (the
    console's homepage page does the same, and adds and removes picks)."""

    network_field = "entry__challenge__provider_network"
    organisers_may_add = False  # from published results, or picks made in the console
    list_display = ["entry", "award", "place", "published_at", "is_pinned", "is_hidden", "position"]
    list_editable = ["is_pinned", "is_hidden", "position"]
    list_filter = ["is_pinned", "is_hidden", "entry__challenge"]
    list_select_related = ["entry", "award"]
    readonly_fields = ["award", "entry", "place", "published_at"]

    def has_add_permission(self, request):
        return False  # from published results or the console, for superusers too

    def save_model(self, request, obj, form, change):
        # Through the service, so the permission check and the audit log apply here too.
        services.curate_feature(
            feature=Feature.objects.get(pk=obj.pk),
            by=request.user,
            is_pinned=obj.is_pinned,
            is_hidden=obj.is_hidden,
            position=obj.position,
        )
