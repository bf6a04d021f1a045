"""Fill an empty database with a demo: people for every role, workshops and an open challenge.

In the open challenge: approved sample entries (one by a team that formed through the
team invitations), one waiting in the moderation queue, and a draft whose creator invited
the other demo participant, who has not answered yet.

Safe to run again: rows are found by their email, slug or title and brought back to the
demo state, and the dates move so the challenge is always open for entries "now". A step
someone took in the demo (a moderator's decision, an answered invitation) is not undone.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from transcoding import services as media_services
from transcoding import storage
from transcoding.media import samples
from transcoding.models import MediaAsset
from videoawards.accounts.models import ProviderNetwork, Role, User
from videoawards.challenges import services as entry_services
from videoawards.challenges.models import (
    PUBLIC_ENTRY_STATES,
    Award,
    Category,
    Challenge,
    Entry,
    EntryCreator,
    EntryState,
    TeamInvitation,
)
from videoawards.demo import season
from videoawards.moderation.services import approve_entry
from videoawards.workshops import services as workshop_services
from videoawards.workshops.models import Registration, Workshop

# Printed on every start and in README.md: demo data only, never a real account.
DEMO_PASSWORD = "videoawards-demo"  # noqa: S105
DEMO_EMAIL_DOMAIN = "demo.videoawards.invalid"
DEMO_CHALLENGE_SLUG = "demo-science-in-90-seconds"
DEMO_NETWORK_SLUG = "demo-stem-network"
VIDEOS_QUEUE, VIDEOS_INLINE, VIDEOS_NONE = VIDEO_MODES = ("queue", "inline", "none")
# Small enough to make and transcode in a few seconds, big enough to look like a video.
SAMPLE_SECONDS, SAMPLE_WIDTH, SAMPLE_HEIGHT = 6, 640, 360


@dataclass(frozen=True)
class DemoPerson:
    email: str
    display_name: str
    role: Role
    birth_year_age: int
    country: str


# Participants live in Sweden, where the age of digital consent is 13, so the demo
# logins work without a guardian's confirmation.
DEMO_PEOPLE = (
    DemoPerson(f"organiser@{DEMO_EMAIL_DOMAIN}", "Olga Organiser", Role.ORGANISER, 45, "DE"),
    DemoPerson(f"juror@{DEMO_EMAIL_DOMAIN}", "Jonas Juror", Role.JUROR, 38, "DE"),
    DemoPerson(f"moderator@{DEMO_EMAIL_DOMAIN}", "Mia Moderator", Role.MODERATOR, 31, "DE"),
    DemoPerson(f"participant1@{DEMO_EMAIL_DOMAIN}", "Pixel Pia", Role.PARTICIPANT, 14, "SE"),
    DemoPerson(f"participant2@{DEMO_EMAIL_DOMAIN}", "Quark Quinn", Role.PARTICIPANT, 17, "SE"),
)


@dataclass(frozen=True)
class DemoEntry:
    title: str
    description: str
    category: str  # slug
    creators: tuple[int, ...]  # positions in the demo participants
    team_name: str = ""
    # Sent in but not decided: it waits in the demo moderator's queue.
    waiting: bool = False


DEMO_ENTRIES = (
    DemoEntry(
        "Why is the sky blue?",
        "A torch, a glass of water and a drop of milk show why the sky is blue at noon "
        "and red at sunset.",
        "12-15",
        (0,),
    ),
    DemoEntry(
        "A cloud in a bottle",
        "We squeeze a bottle with a little warm water and a match's smoke inside and watch "
        "a cloud appear and vanish.",
        "16-19",
        (1,),
    ),
    DemoEntry(
        "Sound you can see",
        "Salt on a plastic sheet over a speaker draws patterns that change with the note.",
        "16-19",
        (1, 0),
        team_name="Wave Makers",
    ),
    DemoEntry(
        "Magnets that hover",
        "Ring magnets on a pencil push each other apart, and the top one floats in the air.",
        "12-15",
        (0,),
        waiting=True,
    ),
)
# A draft of the second participant, who invited the first to the team; the invitation
# waits on the first participant's Team invitations page.
DEMO_DRAFT = DemoEntry(
    "Why does ice float?",
    "Water is the odd one out: it gets lighter when it freezes. We show why with a "
    "freezer, a bottle and some oil.",
    "16-19",
    (1, 0),
    team_name="Ice Breakers",
)


class Command(BaseCommand):
    help = "Create (or refresh) the demo data and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--videos",
            choices=VIDEO_MODES,
            default=VIDEOS_QUEUE,
            help=(
                "sample entry videos: queue them for the worker (default, as `dev.py run` "
                "starts one), process them here (inline), or leave them out (none)"
            ),
        )

    def handle(self, *args, **options) -> None:
        challenge, participants = seed_rows()
        made = seed_sample_entries(
            challenge=challenge, participants=participants, videos=options["videos"]
        )
        seed_draft_with_invitation(challenge=challenge, participants=participants)
        made += seed_season(participants=participants, videos=options["videos"])
        self.stdout.write(demo_logins_text())
        if made and options["videos"] == VIDEOS_QUEUE:
            self.stdout.write(
                f"{made} sample videos are queued: the worker makes them playable in a minute."
            )


def demo_logins_text() -> str:
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD})"]
    lines += [f"  {person.role.label:<12} {person.email}" for person in DEMO_PEOPLE]
    return "\n".join(lines)


def seed_demo(*, now: datetime | None = None, videos: str = VIDEOS_QUEUE) -> Challenge:
    """Create or refresh every demo row, then the sample entries' videos (see
    seed_sample_entries for `videos`); returns the demo challenge."""
    challenge, participants = seed_rows(now=now)
    seed_sample_entries(challenge=challenge, participants=participants, videos=videos)
    seed_draft_with_invitation(challenge=challenge, participants=participants)
    seed_season(participants=participants, videos=videos, now=now)
    return challenge


def seed_season(
    *, participants: list[User], videos: str = VIDEOS_QUEUE, now: datetime | None = None
) -> int:
    """A challenge in every phase (videoawards.demo.season); returns the videos made."""
    now = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    network = ProviderNetwork.objects.get(slug=DEMO_NETWORK_SLUG)
    organiser = User.objects.get(email=f"organiser@{DEMO_EMAIL_DOMAIN}")
    juror = User.objects.get(email=f"juror@{DEMO_EMAIL_DOMAIN}")
    made = 0
    for spec in season.SEASON:
        challenge = season.seed_season_challenge(spec=spec, network=network, now=now)
        made += seed_sample_entries(
            challenge=challenge, participants=participants, videos=videos, samples=spec.entries
        )
        season.run_season_challenge(
            spec=spec,
            challenge=challenge,
            organiser=organiser,
            juror=juror,
            participants=participants,
        )
    return made


@transaction.atomic
def seed_rows(*, now: datetime | None = None) -> tuple[Challenge, list[User]]:
    """Every demo row but the videos: (the demo challenge, the demo participants)."""
    # Whole hours, so two runs in the same hour leave the dates untouched.
    now = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    network, _ = ProviderNetwork.objects.update_or_create(
        slug=DEMO_NETWORK_SLUG,
        defaults={
            "name": "Demo STEM Network",
            "description": "A network of science centres and schools that runs the demo.",
            "website": "https://stem-network.example",
        },
    )
    people = {
        person.email: seed_person(person=person, network=network, now=now) for person in DEMO_PEOPLE
    }
    participants = [people[p.email] for p in DEMO_PEOPLE if p.role == Role.PARTICIPANT]
    challenge = seed_challenge(network=network, now=now)
    seed_workshops(network=network, challenge=challenge, participants=participants, now=now)
    approve_demo_entries(challenge=challenge, moderator=people[f"moderator@{DEMO_EMAIL_DOMAIN}"])
    return challenge, participants


def seed_person(*, person: DemoPerson, network: ProviderNetwork, now: datetime) -> User:
    user = User.objects.filter(email=person.email).first() or User(email=person.email)
    user.display_name = person.display_name
    user.role = person.role
    user.birth_year = now.year - person.birth_year_age
    user.country = person.country
    user.is_active = True
    # The organiser may use the admin; nobody else is staff.
    user.is_staff = user.is_superuser = person.role == Role.ORGANISER
    user.provider_network = None if person.role == Role.PARTICIPANT else network
    user.email_verified_at = user.email_verified_at or now
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def seed_challenge(*, network: ProviderNetwork, now: datetime) -> Challenge:
    entries_open_at = now - timedelta(days=7)
    entries_close_at = now + timedelta(days=30)
    voting_opens_at = entries_close_at + timedelta(days=14)
    voting_closes_at = voting_opens_at + timedelta(days=7)
    challenge, _ = Challenge.objects.update_or_create(
        slug=DEMO_CHALLENGE_SLUG,
        defaults={
            "title": "Science in 90 Seconds",
            "brief": (
                "Pick one thing about the world that amazes you and explain it in a video of "
                "90 seconds or less. Show an experiment, build a model, or film nature up close."
            ),
            "rules": (
                "Use your own footage, or footage and music you are allowed to use. "
                "Don't show anyone's face without asking them first."
            ),
            "provider_network": network,
            "entries_open_at": entries_open_at,
            "entries_close_at": entries_close_at,
            "voting_opens_at": voting_opens_at,
            "voting_closes_at": voting_closes_at,
            "results_at": voting_closes_at + timedelta(days=2),
            "max_duration_seconds": 90,
            "is_published": True,
        },
    )
    age_groups = (("12-15", "12–15"), ("16-19", "16–19"))  # noqa: RUF001 (en dash in names)
    for position, (slug, name) in enumerate(age_groups):
        Category.objects.update_or_create(
            challenge=challenge,
            slug=slug,
            defaults={"name": name, "position": position, "description": f"Ages {name}"},
        )
    awards = (
        (
            "Jury Prize",
            Award.DecidedBy.JURY,
            100,
            "Chosen by our jury of scientists and film-makers.",
        ),
        ("Audience Award", Award.DecidedBy.PUBLIC, 0, "Chosen by everyone who votes."),
    )
    for position, (name, decided_by, jury_weight, description) in enumerate(awards):
        Award.objects.update_or_create(
            challenge=challenge,
            name=name,
            defaults={
                "decided_by": decided_by,
                "jury_weight": jury_weight,
                "description": description,
                "position": position,
            },
        )
    return challenge


def seed_workshops(
    *, network: ProviderNetwork, challenge: Challenge, participants: list[User], now: datetime
) -> None:
    on_site_start = now + timedelta(days=10)
    on_site, _ = Workshop.objects.update_or_create(
        slug="demo-film-your-first-experiment",
        defaults={
            "provider_network": network,
            "title": "Film your first experiment",
            "description": "Light, sound and a phone: plan, film and cut a one-minute experiment.",
            "mode": Workshop.Mode.ON_SITE,
            "city": "Hamburg",
            "starts_at": on_site_start,
            "ends_at": on_site_start + timedelta(hours=3),
            "registration_deadline": on_site_start - timedelta(days=1),
            # Nearly full: the two demo participants take two of the three places.
            "capacity": len(participants) + 1,
            "challenge": challenge,
            "is_published": True,
        },
    )
    online_start = now + timedelta(days=17)
    Workshop.objects.update_or_create(
        slug="demo-editing-on-your-phone",
        defaults={
            "provider_network": network,
            "title": "Editing on your phone",
            "description": "Cut, add captions and music, and export a video that looks sharp.",
            "mode": Workshop.Mode.ONLINE,
            "city": "",
            "starts_at": online_start,
            "ends_at": online_start + timedelta(hours=2),
            "registration_deadline": online_start - timedelta(hours=2),
            "capacity": 30,
            "challenge": challenge,
            "is_published": True,
        },
    )
    # Through the same service as the page, so the places really are taken.
    for participant in participants:
        active = Registration.objects.filter(workshop=on_site, participant=participant).exclude(
            status=Registration.Status.CANCELLED
        )
        if not active.exists():
            workshop_services.register(workshop=on_site, participant=participant)


def seed_sample_entries(
    *,
    challenge: Challenge,
    participants: list[User],
    videos: str = VIDEOS_QUEUE,
    samples: Sequence[DemoEntry | season.SeasonEntry] = (),
) -> int:
    """Approved entries of the demo participants, each with a short generated video, so
    the demo has something to play, judge and vote on; returns how many videos were made.

    videos: "queue" hands new videos to the worker, "inline" processes them in this
    process (also any left waiting by an earlier run), "none" makes no entries. A video
    that is ready (its files still in storage) or on its way is left alone, so running
    this again neither generates nor queues anything twice.
    """
    if videos == VIDEOS_NONE:
        return 0
    made = 0
    for sample in samples or DEMO_ENTRIES:
        creators = [participants[number] for number in sample.creators]
        entry = seed_entry(challenge=challenge, sample=sample, creators=creators)
        asset = entry.media_asset
        if asset is not None and _video_is_fine(asset):
            if videos == VIDEOS_INLINE and asset.status == MediaAsset.Status.UPLOADED:
                media_services.process_imported_asset(asset=asset)
            continue
        if asset is not None:  # failed, or its files are gone: start again
            _remove_asset(asset)
        asset = _sample_asset(challenge=challenge, owner=creators[0], queue=videos != VIDEOS_INLINE)
        entry.media_asset = asset
        entry.save(update_fields=["media_asset", "updated_at"])
        if videos == VIDEOS_INLINE:
            media_services.process_imported_asset(asset=asset)
        made += 1
    return made


def approve_demo_entries(*, challenge: Challenge, moderator: User) -> int:
    """The demo moderator approves demo entries still waiting, so the challenge shows them
    (but the sample that waits in the queue on purpose).

    Through the moderation service, so the demo audit log has the approvals too.
    """
    kept_waiting = [sample.title for sample in DEMO_ENTRIES if sample.waiting]
    waiting = list(
        challenge.entries.filter(state=EntryState.SUBMITTED).exclude(title__in=kept_waiting)
    )
    for entry in waiting:
        approve_entry(entry=entry, by=moderator, note="Demo entry")
    return len(waiting)


@transaction.atomic
def seed_entry(
    *, challenge: Challenge, sample: DemoEntry | season.SeasonEntry, creators: list[User]
) -> Entry:
    """The sample entry, approved, so visitors see it (demo rows skip the moderation
    queue), or sent in and waiting for the moderator if the sample says so. A new entry
    starts as a draft of its first creator, who invites the others; they accept, then it
    is published: the team forms as on the entry page."""
    now = timezone.now()
    entry = Entry.objects.filter(challenge=challenge, title=sample.title).first() or Entry(
        challenge=challenge, title=sample.title, state=EntryState.DRAFT, state_changed_at=now
    )
    entry.category = challenge.categories.get(slug=sample.category)
    entry.description = sample.description
    entry.team_name = sample.team_name
    entry.moderation_reason = ""
    entry.save()
    EntryCreator.objects.get_or_create(entry=entry, user=creators[0])
    if entry.is_editable:
        form_team(entry=entry, creators=creators)
    if getattr(sample, "waiting", False):
        undecided = entry.state in {EntryState.DRAFT, EntryState.SUBMITTED}
        target = EntryState.SUBMITTED if undecided else entry.state  # a decision stays
    else:  # finalists and winners stay what they won
        target = entry.state if entry.state in PUBLIC_ENTRY_STATES else EntryState.APPROVED
    if entry.state != target:
        entry.state = target
        entry.state_changed_at = entry.submitted_at = now
        entry.save(update_fields=["state", "state_changed_at", "submitted_at", "updated_at"])
    return entry


def form_team(*, entry: Entry, creators: list[User]) -> None:
    """The first creator invites each of the others, who accepts (the team services, so
    the audit log and the invitations read like a real team's)."""
    inviter = creators[0]
    for mate in creators[1:]:
        if entry.creator_links.filter(user=mate).exists():
            continue
        invitation = entry.team_invitations.filter(
            invitee=mate, status=TeamInvitation.Status.PENDING
        ).first() or entry_services.invite_team_mate(entry=entry, by=inviter, query=mate.email)
        entry_services.accept_team_invitation(invitation=invitation, by=mate)


@transaction.atomic
def seed_draft_with_invitation(*, challenge: Challenge, participants: list[User]) -> Entry:
    """DEMO_DRAFT, made as on the entry page, with its invitation waiting for an answer.

    Invites once: after the invitee answered (or the inviter withdrew), it stays answered."""
    owner, invitee = (participants[number] for number in DEMO_DRAFT.creators)
    entry = Entry.objects.filter(challenge=challenge, title=DEMO_DRAFT.title).first()
    if entry is None:
        entry = entry_services.create_entry(
            creator=owner,
            challenge=challenge,
            category=challenge.categories.get(slug=DEMO_DRAFT.category),
            title=DEMO_DRAFT.title,
            description=DEMO_DRAFT.description,
            team_name=DEMO_DRAFT.team_name,
        )
    asked = entry.team_invitations.filter(invitee=invitee).exists()
    joined = entry.creator_links.filter(user=invitee).exists()
    if entry.is_editable and not asked and not joined:
        entry_services.invite_team_mate(entry=entry, by=owner, query=invitee.email)
    return entry


def _video_is_fine(asset: MediaAsset) -> bool:
    if asset.status == MediaAsset.Status.READY:
        return storage.object_size(asset.master_playlist_key) is not None
    return asset.status in {MediaAsset.Status.UPLOADED, MediaAsset.Status.PROCESSING}


def _remove_asset(asset: MediaAsset) -> None:
    storage.delete(asset.source_key)
    storage.delete_prefix(f"media/{asset.pk}/")
    asset.delete()


def _sample_asset(*, challenge: Challenge, owner: User, queue: bool) -> MediaAsset:
    with tempfile.TemporaryDirectory(prefix="videoawards-demo-") as work:
        path = samples.make_sample_video(
            Path(work) / "sample.mp4",
            seconds=SAMPLE_SECONDS,
            width=SAMPLE_WIDTH,
            height=SAMPLE_HEIGHT,
            faststart=True,
        )
        return media_services.import_file(
            path=path,
            owner=owner,
            queue=queue,
            max_duration_s=min(
                challenge.max_duration_seconds, settings.VIDEOAWARDS_MAX_DURATION_SECONDS
            ),
        )
