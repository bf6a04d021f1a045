"""The demo season: a challenge in every phase, so each demo login has something to do.

- "Tiny Machines" is over: judged, voted, results published, winners on the homepage,
  certificates and badges.
- "Water Wonders" is in judging: the demo juror has open reviews of entries with videos.
- "Light and Colour" is in public voting now: participants vote; the organiser closes
  voting from the console, computes the results and publishes them.
(The open challenge, "Science in 90 Seconds", is seed_demo's own.)

Everything goes through the services the pages use (assigning, reviewing, closing,
publishing), so the demo's audit log reads like a real season. Safe to run again: rows
are found by slug and name; a step already taken is not taken twice, and a challenge an
organiser moved on by hand keeps its confirmed phase.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from videoawards.accounts.models import ProviderNetwork, User
from videoawards.challenges.models import Award, Category, Challenge, Entry, Phase
from voting import services as voting_services
from voting.models import (
    Assignment,
    Criterion,
    JuryMember,
    JuryPanel,
    ResultPublication,
    Round,
    Vote,
)
from voting.services import panels as panel_services

PAST, JUDGING, VOTING = "past", "judging", "voting"


@dataclass(frozen=True)
class SeasonEntry:
    title: str
    description: str
    category: str  # slug
    creators: tuple[int, ...]  # positions in the demo participants
    team_name: str = ""


@dataclass(frozen=True)
class SeasonChallenge:
    slug: str
    title: str
    brief: str
    state: str  # PAST, JUDGING or VOTING
    entries: tuple[SeasonEntry, ...]


SEASON = (
    SeasonChallenge(
        "demo-tiny-machines",
        "Tiny Machines",
        "Build a machine smaller than your hand and show what it does and why it works.",
        PAST,
        (
            SeasonEntry(
                "A paper-clip motor",
                "A battery, a magnet and two paper clips make a motor that spins by itself.",
                "12-15",
                (0,),
            ),
            SeasonEntry(
                "Why a spinning top stays up",
                "Slow motion shows how a spinning top keeps its balance, and why it falls.",
                "16-19",
                (1,),
            ),
        ),
    ),
    SeasonChallenge(
        "demo-water-wonders",
        "Water Wonders",
        "Show something surprising that water does, in your kitchen or outside.",
        JUDGING,
        (
            SeasonEntry(
                "Walking water",
                "Paper towels carry coloured water from glass to glass and mix new colours.",
                "12-15",
                (0,),
            ),
            SeasonEntry(
                "Ice that floats",
                "Why ice floats on water when almost every other solid sinks in its liquid.",
                "16-19",
                (1,),
            ),
        ),
    ),
    SeasonChallenge(
        "demo-light-and-colour",
        "Light and Colour",
        "Explain something about light: colours, shadows, mirrors, lenses or rainbows.",
        VOTING,
        (
            SeasonEntry(
                "A rainbow in a glass",
                "Sugar water in layers bends light into a rainbow you can hold.",
                "12-15",
                (0,),
            ),
            SeasonEntry(
                "Shadows in colour",
                "Three coloured torches make shadows of every colour on one wall.",
                "16-19",
                (1,),
            ),
            SeasonEntry(
                "The pinhole camera",
                "A shoebox and a pin show the world upside down, just like your eye does.",
                "16-19",
                (1, 0),
                team_name="Camera Obscura Club",
            ),
        ),
    ),
)

CRITERIA = (
    ("Science", 2, "Is the science right, and explained so a 12-year-old gets it?"),
    ("Storytelling", 1, "Does the video hold your attention from start to end?"),
    ("Creativity", 1, "Did they find a fresh way to show it?"),
)


def _dates(state: str, now: datetime) -> dict[str, datetime]:
    day = timedelta(days=1)
    starts = {PAST: -120, JUDGING: -60, VOTING: -60}[state]
    closes = {PAST: -90, JUDGING: -3, VOTING: -14}[state]
    voting = {PAST: (-85, -78), JUDGING: (7, 14), VOTING: (-2, 5)}[state]
    return {
        "entries_open_at": now + starts * day,
        "entries_close_at": now + closes * day,
        "voting_opens_at": now + voting[0] * day,
        "voting_closes_at": now + voting[1] * day,
        "results_at": now + (voting[1] + 2) * day,
    }


@transaction.atomic
def seed_season_challenge(
    *, spec: SeasonChallenge, network: ProviderNetwork, now: datetime
) -> Challenge:
    """The challenge with its categories, awards, criteria and jury panel (no entries)."""
    challenge = Challenge.objects.filter(slug=spec.slug).first()
    defaults = {
        "title": spec.title,
        "brief": spec.brief,
        "rules": "Your own footage, or footage and music you are allowed to use.",
        "provider_network": network,
        "max_duration_seconds": 90,
        "is_published": True,
    }
    if challenge is None or challenge.stage != Phase.RESULTS:
        defaults.update(_dates(spec.state, now))  # published seasons keep their dates
    challenge, _created = Challenge.objects.update_or_create(slug=spec.slug, defaults=defaults)
    for position, (slug, name) in enumerate((("12-15", "12–15"), ("16-19", "16–19"))):  # noqa: RUF001
        Category.objects.update_or_create(
            challenge=challenge,
            slug=slug,
            defaults={"name": name, "position": position, "description": f"Ages {name}"},
        )
    awards = (
        ("Jury Prize", Award.DecidedBy.JURY, 100, "Chosen by our jury of scientists."),
        ("Audience Award", Award.DecidedBy.PUBLIC, 0, "Chosen by everyone who voted."),
    )
    for position, (name, decided_by, weight, description) in enumerate(awards):
        Award.objects.update_or_create(
            challenge=challenge,
            name=name,
            defaults={
                "decided_by": decided_by,
                "jury_weight": weight,
                "description": description,
                "position": position,
            },
        )
    for position, (name, weight, rubric) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            challenge=challenge,
            name=name,
            defaults={"weight": weight, "description": rubric, "position": position},
        )
    return challenge


@transaction.atomic
def run_season_challenge(
    *,
    spec: SeasonChallenge,
    challenge: Challenge,
    organiser: User,
    juror: User,
    participants: list[User],
) -> None:
    """Takes the challenge as far as its phase: jurors assigned, reviews in, votes, results."""
    now = timezone.now()
    panel, _ = JuryPanel.objects.get_or_create(challenge=challenge, name="Demo jury")
    JuryMember.objects.get_or_create(panel=panel, juror=juror)
    round_, _ = Round.objects.get_or_create(
        challenge=challenge,
        category=None,
        position=1,
        defaults={
            "panel": panel,
            "name": "Jury round",
            # Open now, so the demo's reviews go through the juror's own service.
            "opens_at": min(challenge.entries_close_at, now - timedelta(hours=1)),
            "closes_at": max(
                challenge.entries_close_at + timedelta(days=10), now + timedelta(days=1)
            ),
            "reviews_per_entry": 1,
        },
    )
    if round_.state == Round.State.DRAFT and challenge.entries.exists():
        voting_services.assign_jurors(round=round_, by=organiser)
        round_.refresh_from_db()
    if spec.state == JUDGING:
        # A second juror was invited and has not answered: the console shows the invitation.
        if not panel.invitations.exists():
            with translation.override(settings.LANGUAGE_CODE):
                panel_services.invite_jurors(
                    panel=panel,
                    emails=["guest-juror@" + juror.email.rsplit("@", 1)[1]],
                    by=organiser,
                )
        return
    if round_.state != Round.State.OPEN:
        return
    # Judged: the later entries score a little better, so the demo has a clear ranking.
    criteria = list(challenge.criteria.all())
    assignments = Assignment.objects.filter(round=round_, review__submitted_at__isnull=True)
    for number, assignment in enumerate(assignments.order_by("entry_id")):
        voting_services.save_review(
            juror=assignment.juror,
            assignment=assignment,
            scores={criterion.pk: min(10, 6 + number) for criterion in criteria},
            comment="Clear and fun to watch. The experiment could be shown once more slowly.",
            submit=True,
        )
    voting_services.close_round(round=round_, by=organiser)
    if spec.state == PAST:
        # The round of a past season ran back then.
        Round.objects.filter(pk=round_.pk).update(
            opens_at=challenge.entries_close_at,
            closes_at=challenge.entries_close_at + timedelta(days=10),
        )
        _past_votes_and_results(challenge=challenge, organiser=organiser, voters=participants)


def _past_votes_and_results(*, challenge: Challenge, organiser: User, voters: list[User]) -> None:
    if ResultPublication.objects.filter(challenge=challenge, withdrawn_at__isnull=True).exists():
        return
    voted_at = challenge.voting_opens_at + timedelta(days=1)  # type: ignore[operator]
    for entry in Entry.objects.filter(challenge=challenge).prefetch_related("creators"):
        for voter in voters:
            if voter not in entry.creators.all():
                Vote.objects.get_or_create(
                    voter=voter,
                    entry=entry,
                    defaults={"challenge": challenge, "created_at": voted_at},
                )
    snapshot = voting_services.compute_results(challenge=challenge, by=organiser)
    voting_services.publish_results(snapshot=snapshot, by=organiser)
