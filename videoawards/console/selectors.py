"""What an organiser's console shows: their network's season and what needs them now.

Counts are grouped queries, so the dashboard costs the same number of queries however
many challenges, rounds and entries a network has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from videoawards.accounts.models import User
from videoawards.challenges import phases
from videoawards.challenges.models import Challenge, EntryState, Phase
from videoawards.core.scope import scope_queryset
from videoawards.moderation.selectors import reported_entries
from videoawards.workshops.models import Registration, Workshop
from voting.models import (
    Assignment,
    JuryInvitation,
    JuryMember,
    JuryPanel,
    ResultPublication,
    ResultSnapshot,
    Round,
    RoundEntry,
    VoteFlag,
)


@dataclass(frozen=True)
class Todo:
    text: str
    url: str
    urgent: bool = False


@dataclass
class ChallengeCard:
    challenge: Challenge
    phase: Phase
    next_step: Phase | None
    entries: int
    waiting: int
    published: bool
    release_at: datetime | None


@dataclass
class Dashboard:
    phases: list[tuple[Phase, list[ChallengeCard]]]
    todos: list[Todo]
    workshops: Sequence[Workshop] = field(default_factory=list)


def organised_challenges(*, user: User) -> QuerySet[Challenge]:
    """The challenges this organiser runs: of their network, or all for platform staff."""
    return scope_queryset(
        Challenge.objects.select_related("provider_network"),
        user=user,
        network_field="provider_network",
    )


def organised_workshops(*, user: User) -> QuerySet[Workshop]:
    return scope_queryset(Workshop.objects.all(), user=user, network_field="provider_network")


# What an organiser should do when a challenge not on schedule passed a planned date.
_OVERDUE_STEP = {
    Phase.ENTRIES_OPEN: "entries_open_at",
    Phase.JUDGING: "entries_close_at",
    Phase.PUBLIC_VOTING: "voting_opens_at",
    Phase.VOTING_CLOSED: "voting_closes_at",
}


def dashboard(*, user: User, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    challenges = list(
        organised_challenges(user=user)
        .annotate(
            n_entries=Count("entries", filter=~Q(entries__state=EntryState.WITHDRAWN)),
            n_waiting=Count("entries", filter=Q(entries__state=EntryState.SUBMITTED)),
            published=Exists(
                ResultPublication.objects.filter(
                    challenge=OuterRef("pk"), withdrawn_at__isnull=True
                )
            ),
        )
        .order_by("entries_open_at", "pk")
    )
    ids = [challenge.pk for challenge in challenges]
    releases = {
        snapshot.challenge_id: snapshot
        for snapshot in ResultSnapshot.objects.filter(
            challenge_id__in=ids, release_at__isnull=False, publication__isnull=True
        )
    }
    cards: dict[Phase, list[ChallengeCard]] = {phase: [] for phase in phases.ORDER}
    todos: list[Todo] = []
    for challenge in challenges:
        phase = challenge.phase(now)
        release = releases.get(challenge.pk)
        card = ChallengeCard(
            challenge=challenge,
            phase=phase,
            next_step=challenge.next_phase(now),
            entries=challenge.n_entries,
            waiting=challenge.n_waiting,
            published=challenge.published,
            release_at=release.release_at if release and not release.release_problem else None,
        )
        cards[phase].append(card)
        todos.extend(_challenge_todos(card, release=release, now=now))
    todos.extend(_jury_todos(challenge_ids=ids, now=now))
    todos.extend(_moderation_todos(user=user))
    todos.sort(key=lambda todo: not todo.urgent)
    workshops = list(
        organised_workshops(user=user)
        .filter(ends_at__gte=now)
        .annotate(
            n_registered=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
            ),
            n_waiting=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
            ),
        )
        .order_by("starts_at", "pk")[:20]
    )
    return Dashboard(
        phases=[(phase, cards[phase]) for phase in phases.ORDER if cards[phase]],
        todos=todos,
        workshops=workshops,
    )


def _challenge_todos(card: ChallengeCard, *, release, now: datetime) -> list[Todo]:
    challenge, todos = card.challenge, []
    organise = reverse("voting:organise", args=[challenge.slug])
    step = reverse("console:phase", args=[challenge.slug])
    title = challenge.title
    if card.waiting:
        todos.append(
            Todo(
                ngettext(
                    "%(title)s: %(count)d entry waits for moderation.",
                    "%(title)s: %(count)d entries wait for moderation.",
                    card.waiting,
                )
                % {"title": title, "count": card.waiting},
                reverse("moderation:queue"),
            )
        )
    if release is not None and release.release_problem:
        todos.append(
            Todo(
                _("%(title)s: the scheduled results could not come out. %(problem)s")
                % {"title": title, "problem": release.release_problem},
                organise,
                urgent=True,
            )
        )
    ready = card.phase == Phase.VOTING_CLOSED or (
        card.phase == Phase.JUDGING and not challenge.has_public_voting
    )
    if ready and not card.published and card.release_at is None:
        todos.append(
            Todo(
                _("%(title)s: results can be worked out, checked and published.")
                % {"title": title},
                organise,
            )
        )
    if not challenge.on_schedule and card.next_step in _OVERDUE_STEP:
        planned = getattr(challenge, _OVERDUE_STEP[card.next_step])
        if planned is not None and planned <= now:
            todos.append(
                Todo(
                    _("%(title)s: “%(step)s” was planned for %(date)s and waits for you.")
                    % {
                        "title": title,
                        "step": card.next_step.label,
                        "date": timezone.localtime(planned).strftime("%Y-%m-%d %H:%M"),
                    },
                    step,
                    urgent=True,
                )
            )
    return todos


def _jury_todos(*, challenge_ids: list[int], now: datetime) -> list[Todo]:
    todos: list[Todo] = []
    rounds = (
        Round.objects.filter(challenge_id__in=challenge_ids)
        .exclude(state=Round.State.DRAFT)
        .select_related("challenge")
        .annotate(
            n_assigned=Count("assignments", distinct=True),
            n_open=Count(
                "assignments",
                filter=Q(assignments__review__submitted_at__isnull=True),
                distinct=True,
            ),
        )
    )
    short = _entries_short_of_jurors(challenge_ids=challenge_ids)
    for round_ in rounds:
        url = reverse("voting:organise", args=[round_.challenge.slug])
        label = f"{round_.challenge.title} · {round_.name}"
        if round_.state == Round.State.OPEN:
            if round_.n_open and round_.closes_at <= now:
                todos.append(
                    Todo(
                        ngettext(
                            "%(round)s: %(count)d review is overdue.",
                            "%(round)s: %(count)d reviews are overdue.",
                            round_.n_open,
                        )
                        % {"round": label, "count": round_.n_open},
                        url,
                        urgent=True,
                    )
                )
            elif round_.n_assigned and not round_.n_open:
                todos.append(
                    Todo(
                        _("%(round)s: every review is in; close the round.") % {"round": label}, url
                    )
                )
            if short.get(round_.pk):
                titles = short[round_.pk]
                named = ", ".join(f"“{title}”" for title in titles[:3])
                if len(titles) > 3:
                    named += " " + _("and %(count)d more") % {"count": len(titles) - 3}
                todos.append(
                    Todo(
                        ngettext(
                            "%(round)s: %(entries)s needs another juror after a declared "
                            "conflict. Invite a juror to the panel.",
                            "%(round)s: %(entries)s need another juror after declared "
                            "conflicts. Invite a juror to the panel.",
                            len(titles),
                        )
                        % {"round": label, "entries": named},
                        reverse("console:jury", args=[round_.challenge.slug]),
                        urgent=True,
                    )
                )
        elif round_.awaits_shortlist:
            todos.append(Todo(_("%(round)s: confirm the shortlist.") % {"round": label}, url))
    flags = (
        VoteFlag.objects.filter(challenge_id__in=challenge_ids, resolved_at__isnull=True)
        .values("challenge__slug", "challenge__title")
        .annotate(n=Count("pk"))
    )
    for row in flags:
        todos.append(
            Todo(
                ngettext(
                    "%(title)s: %(count)d vote pattern to look at.",
                    "%(title)s: %(count)d vote patterns to look at.",
                    row["n"],
                )
                % {"title": row["challenge__title"], "count": row["n"]},
                reverse("voting:organise", args=[row["challenge__slug"]]),
            )
        )
    return todos


def _entries_short_of_jurors(*, challenge_ids: list[int]) -> dict[int, list[str]]:
    """Per open round, the titles of its entries with fewer jurors than the round asks for
    (an entry whose only juror declared a conflict has none left, and counts too)."""
    jurors = (
        Assignment.objects.filter(round_id=OuterRef("round_id"), entry_id=OuterRef("entry_id"))
        .values("entry_id")
        .annotate(n=Count("juror_id", distinct=True))
        .values("n")
    )
    rows = (
        RoundEntry.objects.filter(
            round__challenge_id__in=challenge_ids, round__state=Round.State.OPEN
        )
        .annotate(n=Coalesce(Subquery(jurors), 0))
        .filter(n__lt=F("round__reviews_per_entry"))
        .order_by("entry__title")
        .values_list("round_id", "entry__title")
    )
    short: dict[int, list[str]] = {}
    for round_id, title in rows:
        short.setdefault(round_id, []).append(title)
    return short


def _moderation_todos(*, user: User) -> list[Todo]:
    reported = reported_entries(user=user).count()
    if not reported:
        return []
    return [
        Todo(
            ngettext(
                "%(count)d reported video waits for a decision.",
                "%(count)d reported videos wait for a decision.",
                reported,
            )
            % {"count": reported},
            reverse("moderation:queue"),
            urgent=True,
        )
    ]


STEP_EXPLANATIONS: dict[Phase, Promise] = {
    Phase.ENTRIES_OPEN: _("Participants can create entries and upload their videos."),
    Phase.JUDGING: _(
        "No new entries or uploads from now on. Moderation goes on, and jurors review the "
        "entries in their rounds."
    ),
    Phase.PUBLIC_VOTING: _(
        "Everyone with a confirmed account can vote on the vote page, until you close voting."
    ),
    Phase.VOTING_CLOSED: _(
        "Voting stops at once. Votes already given are kept and counted. This can't be undone."
    ),
}


# --- The jury page ------------------------------------------------------------------------


@dataclass
class PanelMember:
    membership_id: int
    name: str
    email: str
    joined_at: datetime
    open_reviews: int
    submitted_reviews: int


@dataclass
class PanelView:
    panel: JuryPanel
    members: list[PanelMember]
    invitations: list[JuryInvitation]


@dataclass
class RoundView:
    round: Round
    assigned: int
    submitted: int
    short_entries: int

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


def jury_overview(*, challenge: Challenge) -> tuple[list[PanelView], list[RoundView]]:
    """The challenge's panels (members with their review counts, open invitations) and
    rounds with their progress, in five queries."""
    panels = list(JuryPanel.objects.filter(challenge=challenge).order_by("name"))
    reviews = {
        row["juror_id"]: row
        for row in Assignment.objects.filter(round__challenge=challenge)
        .values("juror_id")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(review__submitted_at__isnull=False)),
        )
    }
    members: dict[int, list[PanelMember]] = {panel.pk: [] for panel in panels}
    for membership in (
        JuryMember.objects.filter(panel__in=panels, dropped_at__isnull=True)
        .select_related("juror")
        .order_by("juror__display_name", "pk")
    ):
        counts = reviews.get(membership.juror_id, {"n": 0, "done": 0})
        members[membership.panel_id].append(
            PanelMember(
                membership_id=membership.pk,
                name=membership.juror.display_name,
                email=membership.juror.email,
                joined_at=membership.joined_at,
                open_reviews=counts["n"] - counts["done"],
                submitted_reviews=counts["done"],
            )
        )
    invitations: dict[int, list[JuryInvitation]] = {panel.pk: [] for panel in panels}
    for invitation in JuryInvitation.objects.filter(
        panel__in=panels, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).order_by("email"):
        invitations[invitation.panel_id].append(invitation)
    short = _entries_short_of_jurors(challenge_ids=[challenge.pk])
    rounds = [
        RoundView(
            round=round_,
            assigned=round_.n_assigned,
            submitted=round_.n_submitted,
            short_entries=len(short.get(round_.pk, [])),
        )
        for round_ in Round.objects.filter(challenge=challenge)
        .select_related("panel", "category")
        .annotate(
            n_assigned=Count("assignments", distinct=True),
            n_submitted=Count(
                "assignments",
                filter=Q(assignments__review__submitted_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("position", "pk")
    ]
    return (
        [PanelView(panel, members[panel.pk], invitations[panel.pk]) for panel in panels],
        rounds,
    )
