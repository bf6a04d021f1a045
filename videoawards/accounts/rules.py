"""Access predicates (django-rules) for what the account itself decides: the admin, and
acting for a provider network. Loaded by AccountsConfig.ready()."""

from __future__ import annotations

import rules

from videoawards.core.admin import ORGANISE_NETWORK, USE_ADMIN

from . import permissions


@rules.predicate
def uses_admin(user) -> bool:
    return permissions.can_use_admin(user)


@rules.predicate
def organises_network(user, network_id: int | None) -> bool:
    return permissions.is_organiser_for(user, network_id)


rules.add_perm(USE_ADMIN, uses_admin)
rules.add_perm(ORGANISE_NETWORK, organises_network)
