"""The organiser admin mixin: organisers use model admins for their own network's objects.

Organisers (staff, role organiser) get full use of these pages without Django model
permissions. The access policy decides (the permissions `core.use_admin` and
`core.organise_network`, whose predicates accounts/rules.py provides), and the rows are
those of the networks the account acts for (core.scope). Django's own permissions
still count too.
"""

from __future__ import annotations

from django.http import HttpRequest

from .scope import network_of, scope_queryset

USE_ADMIN = "core.use_admin"
ORGANISE_NETWORK = "core.organise_network"


class OrganiserAdminMixin:
    """Lets organisers use a model admin; Django's own permissions still count too."""

    # Path from the model to its provider network (also from an inline's parent object).
    network_field = "challenge__provider_network"
    organisers_may_add = True
    organisers_may_delete = True

    def _organiser(self, request: HttpRequest, obj=None) -> bool:
        user = request.user
        if not user.has_perm(USE_ADMIN):
            return False
        if obj is None:
            return True
        return user.has_perm(ORGANISE_NETWORK, network_of(obj, self.network_field))

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._organiser(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._organiser(request, obj)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) or (
            self.organisers_may_add and self._organiser(request)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self._organiser(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) or (
            self.organisers_may_delete and self._organiser(request, obj)
        )

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return scope_queryset(qs, user=request.user, network_field=self.network_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A network organiser creates objects for their own network only.
        if db_field.name == "provider_network":
            kwargs["queryset"] = scope_queryset(
                db_field.related_model.objects.all(), user=request.user, network_field="pk"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
