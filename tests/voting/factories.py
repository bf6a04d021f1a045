"""Factories for juries and votes (the core ones are in tests/factories.py)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from tests.factories import ChallengeFactory, JurorFactory
from voting.models import Criterion, JuryMember, JuryPanel, Round, VotePolicy


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    challenge = factory.SubFactory(ChallengeFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    scale_min = 1
    scale_max = 10


class JuryPanelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JuryPanel

    challenge = factory.SubFactory(ChallengeFactory)
    name = factory.Sequence(lambda n: f"Panel {n}")


class JuryMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JuryMember

    panel = factory.SubFactory(JuryPanelFactory)
    juror = factory.SubFactory(JurorFactory)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    panel = factory.SubFactory(JuryPanelFactory)
    challenge = factory.SelfAttribute("panel.challenge")
    name = factory.Sequence(lambda n: f"Round {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=6))
    reviews_per_entry = 2
    seed = "fixed-seed"


class VotePolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VotePolicy
        django_get_or_create = ("challenge",)

    challenge = factory.SubFactory(ChallengeFactory)
