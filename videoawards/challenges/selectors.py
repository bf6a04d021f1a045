"""Reads about challenges and entries, including who may see which entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from videoawards.accounts.models import User
from videoawards.accounts.selectors import users_lacking_consent
from videoawards.core import access
from videoawards.workshops.models import Workshop

from .models import (
    PUBLIC_ENTRY_STATES,
    Award,
    Challenge,
    Entry,
    EntryCreator,
    Feature,
    Phase,
    TeamInvitation,
)

# Groups for the challenge list and the API's ?phase= filter.
OPEN, UPCOMING, PAST = "open", "upcoming", "past"
CHALLENGE_GROUPS = (OPEN, UPCOMING, PAST)


def published_challenges() -> QuerySet[Challenge]:
    return Challenge.objects.filter(is_published=True).select_related("provider_network")


def challenges_in_group(*, group: str, now: datetime | None = None) -> QuerySet[Challenge]:
    """Open: taking entries now. Upcoming: not yet. Past: entries have closed."""
    now = now or timezone.now()
    qs = published_challenges()
    if group == OPEN:
        return qs.filter(entries_open_at__lte=now, entries_close_at__gt=now).order_by(
            "entries_close_at", "pk"
        )
    if group == UPCOMING:
        return qs.filter(entries_open_at__gt=now).order_by("entries_open_at", "pk")
    if group == PAST:
        return qs.filter(entries_close_at__lte=now).order_by("-entries_close_at", "pk")
    raise ValueError(f"unknown challenge group {group!r}")


def challenges_by_group(*, now: datetime | None = None) -> dict[str, list[Challenge]]:
    """All published challenges, grouped as open / upcoming / past, in one query."""
    now = now or timezone.now()
    groups: dict[str, list[Challenge]] = {group: [] for group in CHALLENGE_GROUPS}
    for challenge in published_challenges().order_by("entries_close_at", "pk"):
        if challenge.entries_open_at > now:
            groups[UPCOMING].append(challenge)
        elif challenge.entries_close_at > now:
            groups[OPEN].append(challenge)
        else:
            groups[PAST].append(challenge)
    groups[UPCOMING].sort(key=lambda c: (c.entries_open_at, c.pk))
    groups[PAST].reverse()
    return groups


def homepage_challenges() -> QuerySet[Challenge]:
    """Challenges open for entries now, closing soonest first."""
    return challenges_in_group(group=OPEN)


def public_entry_q(prefix: str = "") -> Q:
    """Entries anyone may see: moderated into a public state, not hidden after reports,
    in a published challenge, and made only by people who may appear in public (a
    guardian agreed where needed; withdrawing consent hides the entry again). `prefix`
    reaches an entry from another model, e.g. "entry__"."""
    lacking_consent = EntryCreator.objects.filter(
        entry=OuterRef(f"{prefix}pk"), user__in=users_lacking_consent()
    )
    return Q(
        **{
            f"{prefix}state__in": PUBLIC_ENTRY_STATES,
            f"{prefix}hidden_at__isnull": True,
            f"{prefix}challenge__is_published": True,
        }
    ) & Q(~Exists(lacking_consent))


def _creators_prefetch() -> Prefetch:
    # Display names only: nothing else about a creator leaves this module for the pages.
    return Prefetch(
        "creators", queryset=User.objects.only("id", "display_name").order_by("display_name", "pk")
    )


def challenge_with_details(*, slug: str) -> Challenge:
    """A published challenge with categories, awards, published workshops and public entries.

    A fixed number of queries whatever the number of entries. Public entries are in
    `challenge.public_entries`, workshops in `challenge.published_workshops`.
    """
    public_entries = (
        Entry.objects.filter(public_entry_q())
        .select_related("category")
        .prefetch_related(_creators_prefetch())
        .order_by("title", "pk")
    )
    return (
        published_challenges()
        .prefetch_related(
            "categories",
            Prefetch("awards", queryset=_awards()),
            Prefetch(
                "workshops",
                queryset=Workshop.objects.filter(is_published=True).order_by("starts_at", "pk"),
                to_attr="published_workshops",
            ),
            Prefetch("entries", queryset=public_entries, to_attr="public_entries"),
        )
        .get(slug=slug)
    )


def _awards() -> QuerySet[Award]:
    return Award.objects.select_related("category")


def with_categories_and_awards(qs: QuerySet[Challenge]) -> QuerySet[Challenge]:
    return qs.prefetch_related("categories", Prefetch("awards", queryset=_awards()))


@dataclass(frozen=True)
class TimelineStep:
    key: str
    label: Promise
    starts_at: datetime
    ends_at: datetime | None
    is_current: bool
    is_done: bool


def _phases(step_phase: Phase | tuple[Phase, ...] | None) -> tuple[Phase, ...]:
    if step_phase is None:
        return ()
    return step_phase if isinstance(step_phase, tuple) else (step_phase,)


def challenge_timeline(*, challenge: Challenge, now: datetime | None = None) -> list[TimelineStep]:
    """The steps of a challenge in order, with the current one marked."""
    now = now or timezone.now()
    phase = challenge.phase(now)
    steps = [
        (
            "entries_open",
            _("Entries open"),
            challenge.entries_open_at,
            challenge.entries_close_at,
            Phase.ENTRIES_OPEN,
        ),
        ("entries_close", _("Entries close"), challenge.entries_close_at, None, None),
        (
            "judging",
            _("Judging"),
            challenge.entries_close_at,
            challenge.results_at,
            # Judging goes on after public voting closed, until the results are out.
            (Phase.JUDGING, Phase.VOTING_CLOSED),
        ),
    ]
    if challenge.has_public_voting:
        steps.append(
            (  # type: ignore[arg-type]  # has_public_voting: both voting dates are set
                "public_voting",
                _("Public voting"),
                challenge.voting_opens_at,
                challenge.voting_closes_at,
                Phase.PUBLIC_VOTING,
            )
        )
    steps.append(("results", _("Results"), challenge.results_at, None, Phase.RESULTS))
    return [
        TimelineStep(
            key=key,
            label=label,
            starts_at=starts_at,
            ends_at=ends_at,
            is_current=phase in _phases(step_phase),
            is_done=phase not in _phases(step_phase) and (ends_at or starts_at) <= now,
        )
        for key, label, starts_at, ends_at, step_phase in steps
    ]


def visible_entries(*, user: User | AnonymousUser) -> QuerySet[Entry]:
    """Entries `user` may see: the access policy's challenges.view_entry as a filter
    (challenges/rules.py; voting adds the challenge's jurors). Public ones for everyone;
    in any state (hidden ones too) for the creators, moderators and organisers of its
    network, and jurors. The entry page, the API and the playback gateway ask the same rule.
    """
    qs = Entry.objects.select_related("challenge", "category", "media_asset")
    return access.allowed("challenges.view_entry", qs, user=user)


def user_can_view_entry(*, user: User | AnonymousUser, entry: Entry) -> bool:
    """The object-level check behind visible_entries, for one entry already loaded."""
    return user.has_perm("challenges.view_entry", entry)


def entries_with_creators(qs: QuerySet[Entry]) -> QuerySet[Entry]:
    return qs.prefetch_related(_creators_prefetch())


def participant_entries(*, user: User) -> QuerySet[Entry]:
    """Entries `user` made alone or in a team, newest first."""
    return entries_with_creators(
        Entry.objects.filter(creator_links__user=user)
        .select_related("challenge", "category", "media_asset")
        .order_by("-created_at", "pk")
    )


# How many features the homepage shows.
HOMEPAGE_FEATURES = 8


def homepage_features(*, limit: int = HOMEPAGE_FEATURES) -> list[Feature]:
    """Winners and organisers' picks for the homepage, curated order, in two queries
    however many there are."""
    return list(
        Feature.objects.filter(public_entry_q("entry__"), is_hidden=False)
        .select_related("award", "award__category", "entry__challenge", "entry__media_asset")
        .prefetch_related(Prefetch("entry__creators", queryset=_creators_prefetch().queryset))[
            :limit
        ]
    )


def pending_team_invitations(*, user: User) -> QuerySet[TeamInvitation]:
    """Invitations waiting for `user`'s answer, with what the page shows about them."""
    return (
        TeamInvitation.objects.filter(invitee=user, status=TeamInvitation.Status.PENDING)
        .select_related("entry__challenge", "invited_by")
        .only(
            "pk",
            "created_at",
            "status",
            "entry__id",
            "entry__title",
            "entry__description",
            "entry__team_name",
            "entry__state",
            "entry__challenge__title",
            "entry__challenge__slug",
            "invited_by__display_name",
        )
        .order_by("-created_at", "pk")
    )


def entry_team_invitations(*, entry: Entry) -> QuerySet[TeamInvitation]:
    """The entry's invitations still waiting for an answer (for its creators)."""
    return (
        entry.team_invitations.filter(status=TeamInvitation.Status.PENDING)
        .select_related("invitee")
        .only("pk", "created_at", "status", "entry_id", "invitee__display_name")
        .order_by("created_at", "pk")
    )
