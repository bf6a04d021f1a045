"""Admin for accounts and provider networks.

Staff organisers may use it without Django model permissions: every organiser
can look people up; platform-wide organisers may also change them (but never
staff or superuser flags, permissions or passwords); network organisers may
edit their own network. Superusers may do everything.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from videoawards.core.audit import record_role_change
from videoawards.core.client import client_address

from .models import ProviderNetwork, User
from .permissions import can_use_admin, is_organiser_for, is_platform_organiser
from .selectors import latest_consent, user_needs_guardian_consent


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class EmailVerifiedFilter(admin.SimpleListFilter):
    title = _("email confirmed")
    parameter_name = "email_verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(email_verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(email_verified_at__isnull=True)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {"fields": ("display_name", "birth_year", "country", "guardian_consent")},
        ),
        (_("Role"), {"fields": ("role", "provider_network", "is_platform_staff")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("email_verified_at", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = (
        "email",
        "display_name",
        "role",
        "provider_network",
        "email_verified_at",
        "is_staff",
    )
    list_filter = (
        "role",
        EmailVerifiedFilter,
        "provider_network",
        "is_platform_staff",
        "is_staff",
        "is_superuser",
        "is_active",
    )
    list_select_related = ("provider_network",)
    search_fields = ("email", "display_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined", "guardian_consent")
    _superuser_only_fields = (
        "password",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "email_verified_at",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return fields + self._superuser_only_fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_use_admin(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return can_use_admin(request.user) or super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if request.user.is_superuser:
            return True
        if obj is not None and obj.is_superuser:
            return False
        if can_use_admin(request.user):
            return is_platform_organiser(request.user)
        return super().has_change_permission(request, obj)

    @admin.display(description=_("guardian consent"))
    def guardian_consent(self, obj: User) -> str:
        """Whether and when a guardian agreed; their address stays out of the admin."""
        if not user_needs_guardian_consent(obj):
            return _("not needed")
        consent = latest_consent(user=obj)
        if consent is None:
            return _("not asked yet")
        when = consent.withdrawn_at or consent.declined_at or consent.given_at
        when = when or consent.requested_at
        return f"{consent.get_status_display()} ({when:%Y-%m-%d})"

    _audited_fields = (
        "role",
        "provider_network_id",
        "is_platform_staff",
        "is_staff",
        "is_superuser",
        "is_active",
    )

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        """Save, and write changes of role, network or staff flags to the audit log."""
        before = User.objects.filter(pk=obj.pk).values(*self._audited_fields).first() or {}
        super().save_model(request, obj, form, change)
        if change:
            record_role_change(
                user=obj, by=request.user, before=before, ip_address=client_address(request) or None
            )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


@admin.register(ProviderNetwork)
class ProviderNetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "website")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_use_admin(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: ProviderNetwork | None = None) -> bool:
        return can_use_admin(request.user) or super().has_view_permission(request, obj)

    def has_change_permission(
        self, request: HttpRequest, obj: ProviderNetwork | None = None
    ) -> bool:
        if not can_use_admin(request.user):
            return super().has_change_permission(request, obj)
        if obj is None:
            return True  # the changelist; each object is checked when opened
        return is_organiser_for(request.user, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_platform_organiser(request.user) and can_use_admin(request.user)

    def has_delete_permission(
        self, request: HttpRequest, obj: ProviderNetwork | None = None
    ) -> bool:
        return request.user.is_superuser
