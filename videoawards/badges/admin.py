from django.contrib import admin

from .models import Assertion, BadgeClass


@admin.register(BadgeClass)
class BadgeClassAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    readonly_fields = ["kind"]


@admin.register(Assertion)
class AssertionAdmin(admin.ModelAdmin):
    list_display = ["badge_class", "recipient", "source", "issued_on", "revoked"]
    list_filter = ["badge_class", "revoked"]
    search_fields = ["recipient__display_name", "source"]
    list_select_related = ["badge_class", "recipient"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["id", "recipient_salt", "recipient_hash", "source", "issued_on"]
