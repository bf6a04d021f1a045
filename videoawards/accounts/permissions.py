"""Who may do what: small predicates other apps call before acting on an object.

Superusers may do everything. Organisers and moderators flagged as platform-wide staff
act for every network; the others only within their own (core.scope), and for none
without one.
Anonymous users are accepted everywhere and never allowed anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard, Union

from videoawards.core.scope import covers

from .models import ProviderNetwork, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

    AnyUser = Union[User, AnonymousUser]  # noqa: UP007

NetworkRef = ProviderNetwork | int | None


def _network_id(provider_network: NetworkRef) -> int | None:
    if isinstance(provider_network, ProviderNetwork):
        return provider_network.pk
    return provider_network


def _active(user: AnyUser) -> TypeGuard[User]:
    return bool(user.is_authenticated and user.is_active)


def _covers(user: User, provider_network: NetworkRef) -> bool:
    return covers(user, _network_id(provider_network))


def can_log_in(user: User) -> bool:
    """Active accounts with a confirmed email may log in."""
    return user.is_active and user.email_verified_at is not None


def is_verified(user: AnyUser) -> bool:
    """Logged in with a confirmed email: needed to vote, enter and register."""
    return _active(user) and user.email_verified_at is not None


def is_platform_organiser(user: AnyUser) -> bool:
    if not _active(user):
        return False
    return user.is_superuser or (user.role == Role.ORGANISER and user.is_platform_staff)


def is_organiser_for(user: AnyUser, provider_network: NetworkRef) -> bool:
    """May create and run workshops, challenges and juries of this network."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return user.role == Role.ORGANISER and _covers(user, provider_network)


def is_moderator_for(user: AnyUser, provider_network: NetworkRef) -> bool:
    """May approve, reject and handle reports on content of this network (organisers too)."""
    if is_organiser_for(user, provider_network):
        return True
    return _active(user) and user.role == Role.MODERATOR and _covers(user, provider_network)


def is_any_organiser(user: AnyUser) -> bool:
    """Organises for at least one network (or everywhere)."""
    return _active(user) and (user.is_superuser or user.role == Role.ORGANISER)


def can_use_admin(user: AnyUser) -> bool:
    """Staff organisers and superusers may open the Django admin."""
    return _active(user) and user.is_staff and is_any_organiser(user)
