"""Fill an empty database with a demo: people for every role, workshops and an open challenge.

Safe to run again: rows are found by their email or slug and brought back to the demo
state, and the dates move so the challenge is always open for entries "now".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from videoawards.accounts.models import ProviderNetwork, Role, User
from videoawards.challenges.models import Award, Category, Challenge, EntryState
from videoawards.moderation.services import approve_entry
from videoawards.workshops.models import Registration, Workshop

# Printed on every start and in README.md: demo data only, never a real account.
DEMO_PASSWORD = "videoawards-demo"  # noqa: S105
DEMO_EMAIL_DOMAIN = "demo.videoawards.invalid"
DEMO_CHALLENGE_SLUG = "demo-science-in-90-seconds"


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


class Command(BaseCommand):
    help = "Create (or refresh) the demo data and print the demo logins."

    def handle(self, *args, **options) -> None:
        seed_demo()
        self.stdout.write(demo_logins_text())


def demo_logins_text() -> str:
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD})"]
    lines += [f"  {person.role.label:<12} {person.email}" for person in DEMO_PEOPLE]
    return "\n".join(lines)


@transaction.atomic
def seed_demo(*, now: datetime | None = None) -> Challenge:
    """Create or refresh every demo row; returns the demo challenge."""
    # Whole hours, so two runs in the same hour leave the dates untouched.
    now = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    network, _ = ProviderNetwork.objects.update_or_create(
        slug="demo-stem-network",
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
    seed_sample_entries(challenge=challenge, participants=participants)
    approve_demo_entries(challenge=challenge, moderator=people[f"moderator@{DEMO_EMAIL_DOMAIN}"])
    return challenge


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
    for participant in participants:
        active = Registration.objects.filter(workshop=on_site, participant=participant).exclude(
            status=Registration.Status.CANCELLED
        )
        if not active.exists():
            Registration.objects.create(
                workshop=on_site,
                participant=participant,
                status=Registration.Status.CONFIRMED,
                confirmed_at=now,
            )


def seed_sample_entries(*, challenge: Challenge, participants: list[User]) -> int:
    """Entries with generated sample videos; returns how many were created.

    None yet: the upload and transcoding pipeline will fill this in (generate a short
    clip with ffmpeg, store it as a media asset, create and approve an entry per
    participant) so the demo has something to play, judge and vote on.
    """
    return 0


def approve_demo_entries(*, challenge: Challenge, moderator: User) -> int:
    """The demo moderator approves demo entries still waiting, so the challenge shows them.

    Through the moderation service, so the demo audit log has the approvals too.
    """
    waiting = list(challenge.entries.filter(state=EntryState.SUBMITTED))
    for entry in waiting:
        approve_entry(entry=entry, by=moderator)
    return len(waiting)
