"""What the console's homepage page shows: the features an organiser curates, in homepage
order, and the published entries they could feature next."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, OuterRef, QuerySet, Value, When

from videoawards.accounts.models import User
from videoawards.challenges.models import Challenge, Entry, Feature, Phase
from videoawards.challenges.selectors import homepage_features, public_entry_q
from videoawards.core.scope import scope_queryset

from .selectors import organised_challenges

# How many entries "Feature another video" lists at once.
FEATURABLE_LIMIT = 30


@dataclass(frozen=True)
class FeatureRow:
    feature: Feature
    on_homepage: bool  # among homepage_features() right now
    is_public: bool  # the entry is one everyone may see
    can_move_up: bool
    can_move_down: bool


def curated_features(*, user: User) -> QuerySet[Feature]:
    """The features of the challenges this organiser runs (all for platform staff)."""
    return scope_queryset(
        Feature.objects.all(), user=user, network_field="entry__challenge__provider_network"
    )


def curated_entries(*, user: User) -> QuerySet[Entry]:
    """Entries of the challenges this organiser runs, in any state: whether one may be
    featured is the service's to say, in words."""
    return scope_queryset(
        Entry.objects.select_related("challenge"),
        user=user,
        network_field="challenge__provider_network",
    )


def feature_rows(*, user: User) -> list[FeatureRow]:
    """The organiser's features in homepage order (hidden ones too), with what the page
    says and offers about each; a fixed number of queries."""
    shown = {feature.pk for feature in homepage_features()}
    features = list(
        curated_features(user=user)
        .select_related("award", "entry__challenge", "entry__media_asset")
        .annotate(
            is_public=Case(
                When(public_entry_q("entry__"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    pinned = [feature.pk for feature in features if feature.is_pinned]
    return [
        FeatureRow(
            feature=feature,
            on_homepage=feature.pk in shown,
            is_public=feature.is_public,  # type: ignore[attr-defined]
            can_move_up=feature.is_pinned and pinned.index(feature.pk) > 0,
            can_move_down=feature.is_pinned and pinned.index(feature.pk) < len(pinned) - 1,
        )
        for feature in features
    ]


def featurable_entries(
    *, user: User, challenge: Challenge | None = None, limit: int = FEATURABLE_LIMIT
) -> list[Entry]:
    """Public entries of the organiser's challenges not featured yet, newest first; none of
    a challenge whose public vote is running (featuring one would sway the vote)."""
    voting = [c.pk for c in organised_challenges(user=user) if c.phase() == Phase.PUBLIC_VOTING]
    entries = (
        scope_queryset(
            Entry.objects.filter(public_entry_q()),
            user=user,
            network_field="challenge__provider_network",
        )
        .exclude(Exists(Feature.objects.filter(entry=OuterRef("pk"))))
        .exclude(challenge_id__in=voting)
        .select_related("challenge", "media_asset")
        .order_by("-created_at", "-pk")
    )
    if challenge is not None:
        entries = entries.filter(challenge=challenge)
    return list(entries[:limit])


def challenges_to_feature_from(*, user: User) -> QuerySet[Challenge]:
    """The organiser's published challenges, for the page's filter."""
    return organised_challenges(user=user).filter(is_published=True).order_by("title", "pk")
