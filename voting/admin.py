"""Admin for organisers: criteria, jury panels, rounds and vote policies per challenge.

Running the jury (assigning, closing, shortlists, results) happens on the organiser page
(voting:organise), which calls the services; votes, invalidations and snapshots are
read-only here, so the audit trail cannot be edited.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from videoawards.challenges.models import Challenge
from videoawards.core.admin import OrganiserAdminMixin
from voting import services
from voting.forms import ReasonForm
from voting.models import (
    Criterion,
    JuryMember,
    JuryPanel,
    ResultPublication,
    ResultSnapshot,
    Round,
    Vote,
    VoteInvalidation,
    VotePolicy,
)


@admin.register(Criterion)
class CriterionAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    list_display = ["name", "challenge", "weight", "scale_min", "scale_max", "position"]
    list_filter = ["challenge"]


class JuryMemberInline(OrganiserAdminMixin, admin.TabularInline):
    model = JuryMember
    network_field = "panel__challenge__provider_network"
    raw_id_fields = ["juror"]
    readonly_fields = ["dropped_at"]
    extra = 0


@admin.register(JuryPanel)
class JuryPanelAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    list_display = ["name", "challenge"]
    list_filter = ["challenge"]
    inlines = [JuryMemberInline]


@admin.register(Round)
class RoundAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    list_display = ["name", "challenge", "position", "state", "opens_at", "closes_at"]
    list_filter = ["challenge", "state"]
    readonly_fields = ["state", "closed_at", "shortlist_confirmed_at", "shortlist_confirmed_by"]


@admin.register(VotePolicy)
class VotePolicyAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    list_display = ["challenge", "kind", "votes_per_account", "per_category"]


class ReadOnlyAdmin(OrganiserAdminMixin, admin.ModelAdmin):
    organisers_may_add = False
    organisers_may_delete = False

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "challenge",
        "entry",
        "voter",
        "created_at",
        "address_hash",
        "network_hash",
        "invalidation",
    ]
    list_filter = ["challenge", ("invalidation", admin.EmptyFieldListFilter)]
    list_select_related = ["challenge", "entry", "voter", "invalidation"]
    search_fields = ["voter__display_name", "entry__title", "address_hash", "network_hash"]
    actions = ["invalidate"]

    @admin.action(description=_("Don't count the selected votes (asks for a reason)"))
    def invalidate(self, request: HttpRequest, queryset: QuerySet[Vote]):
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            total = 0
            for challenge in Challenge.objects.filter(votes__in=queryset).distinct():
                try:
                    done = services.invalidate_votes(
                        challenge=challenge,
                        votes=queryset,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except PermissionDenied as error:
                    self.message_user(request, str(error), messages.ERROR)
                    continue
                total += done.vote_count
            self.message_user(
                request,
                ngettext(
                    "%(count)d vote no longer counts.", "%(count)d votes no longer count.", total
                )
                % {"count": total},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "voting/admin/invalidate_votes.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Don't count these votes"),
                "votes": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


@admin.register(VoteInvalidation)
class VoteInvalidationAdmin(ReadOnlyAdmin):
    list_display = ["at", "challenge", "by", "vote_count", "reason"]


@admin.register(ResultSnapshot)
class ResultSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "challenge", "input_hash", "created_by"]


@admin.register(ResultPublication)
class ResultPublicationAdmin(ReadOnlyAdmin):
    list_display = ["at", "challenge", "by", "withdrawn_at"]
