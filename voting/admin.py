"""Admin for organisers: criteria, jury panels, rounds and vote policies per challenge.

Running the jury (assigning, closing, shortlists, results) happens on the organiser page
(voting:organise), which calls the services; votes, invalidations and snapshots are
read-only here, so the audit trail cannot be edited.
"""

from __future__ import annotations

from django.contrib import admin

from videoawards.challenges.admin import OrganiserAdminMixin
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
    list_display = ["pk", "challenge", "entry", "created_at", "invalidation"]
    list_filter = ["challenge"]
    list_select_related = ["challenge", "entry", "invalidation"]


@admin.register(VoteInvalidation)
class VoteInvalidationAdmin(ReadOnlyAdmin):
    list_display = ["at", "challenge", "by", "vote_count", "reason"]


@admin.register(ResultSnapshot)
class ResultSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "challenge", "input_hash", "created_by"]


@admin.register(ResultPublication)
class ResultPublicationAdmin(ReadOnlyAdmin):
    list_display = ["at", "challenge", "by", "withdrawn_at"]
