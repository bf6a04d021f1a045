"""The user admin deletes by erasure: privacy owns it, so it registers the user admin."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from videoawards.accounts.admin import UserAdmin
from videoawards.accounts.models import User

from . import erasure


class ErasingUserAdmin(UserAdmin):
    def delete_model(self, request: HttpRequest, obj: User) -> None:
        """Deleting here erases like the participant's own button: videos leave storage too."""
        erasure.erase_account(user=obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for user in queryset:
            erasure.erase_account(user=user)


admin.site.unregister(User)
admin.site.register(User, ErasingUserAdmin)
