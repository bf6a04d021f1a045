"""factory_boy factories for the core models. Apps' own tests may add more beside them."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from videoawards.accounts.models import ProviderNetwork, Role, User
from videoawards.challenges.models import Award, Category, Challenge, Entry, EntryCreator
from videoawards.workshops.models import Registration, Workshop

PASSWORD = "correct-horse-battery-staple"


class ProviderNetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderNetwork
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"STEM Network {n}")
    slug = factory.Sequence(lambda n: f"stem-network-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"User {n}")
    birth_year = 2008
    country = "DE"
    role = Role.PARTICIPANT
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ParticipantFactory(UserFactory):
    role = Role.PARTICIPANT


class SeasonedParticipantFactory(ParticipantFactory):
    """A participant whose confirmed account is a month old: their reports are trusted."""

    date_joined = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))


class JurorFactory(UserFactory):
    role = Role.JUROR
    birth_year = 1985


class ModeratorFactory(UserFactory):
    role = Role.MODERATOR
    birth_year = 1990
    provider_network = None
    # Without a network the factory's staff work for every network, as the tests expect.
    is_platform_staff = factory.LazyAttribute(lambda o: o.provider_network is None)


class OrganiserFactory(UserFactory):
    role = Role.ORGANISER
    birth_year = 1980
    is_staff = True
    provider_network = None
    # Without a network the factory's staff work for every network, as the tests expect.
    is_platform_staff = factory.LazyAttribute(lambda o: o.provider_network is None)


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A challenge open for entries now, with public voting after judging."""

    class Meta:
        model = Challenge

    title = factory.Sequence(lambda n: f"Science in a Minute {n}")
    slug = factory.Sequence(lambda n: f"science-in-a-minute-{n}")
    brief = "Explain one scientific idea in under three minutes."
    rules = "Your own footage and music you may use."
    provider_network = factory.SubFactory(ProviderNetworkFactory)
    entries_open_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    entries_close_at = factory.LazyAttribute(lambda o: o.entries_open_at + timedelta(days=30))
    voting_opens_at = factory.LazyAttribute(lambda o: o.entries_close_at + timedelta(days=14))
    voting_closes_at = factory.LazyAttribute(lambda o: o.voting_opens_at + timedelta(days=7))
    results_at = factory.LazyAttribute(lambda o: o.voting_closes_at + timedelta(days=1))
    max_duration_seconds = 180
    max_file_size_bytes = 2 * 1024**3


def voting_challenge(**kwargs) -> Challenge:
    """A challenge whose entries closed and whose public vote is open for another week."""
    now = timezone.now()
    fields = {
        "entries_open_at": now - timedelta(days=30),
        "entries_close_at": now - timedelta(days=3),
        "voting_opens_at": now - timedelta(days=1),
        "voting_closes_at": now + timedelta(days=7),
        "results_at": now + timedelta(days=8),
    }
    return ChallengeFactory(**{**fields, **kwargs})


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    challenge = factory.SubFactory(ChallengeFactory)
    name = factory.Sequence(lambda n: f"Age group {n}")
    slug = factory.Sequence(lambda n: f"age-group-{n}")


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    challenge = factory.SubFactory(ChallengeFactory)
    name = factory.Sequence(lambda n: f"Award {n}")


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry
        skip_postgeneration_save = True

    challenge = factory.SubFactory(ChallengeFactory)
    title = factory.Sequence(lambda n: f"Why is the sky blue? ({n})")
    description = "Rayleigh scattering with a torch and a glass of milky water."

    @factory.post_generation
    def creators(obj, create, extracted, **kwargs):
        if not create:
            return
        for user in extracted or [ParticipantFactory()]:
            EntryCreator.objects.create(entry=obj, user=user)


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    provider_network = factory.SubFactory(ProviderNetworkFactory)
    title = factory.Sequence(lambda n: f"Filming experiments {n}")
    slug = factory.Sequence(lambda n: f"filming-experiments-{n}")
    description = "Light, sound and a phone: film your first experiment."
    mode = Workshop.Mode.ON_SITE
    city = "Hamburg"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    registration_deadline = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=1))
    capacity = 12


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    workshop = factory.SubFactory(WorkshopFactory)
    participant = factory.SubFactory(ParticipantFactory)
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Registration.Status.CONFIRMED else None
    )
    cancelled_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Registration.Status.CANCELLED else None
    )
