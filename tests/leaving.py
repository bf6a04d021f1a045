"""The ways a public entry stops being public, as the people who do it do it (test
helpers): the vote path and the media links must both notice each at once."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import admin
from django.test import RequestFactory

from tests.factories import ModeratorFactory, OrganiserFactory
from videoawards.challenges import services as challenge_services
from videoawards.challenges.models import Challenge
from videoawards.moderation import services as moderation


def hide(entry) -> None:
    """A moderator hides it after reports."""
    moderation.decide_reports(
        entry=entry, by=ModeratorFactory(), decision="hide", reason="Shows a phone number"
    )


def remove(entry) -> None:
    """A moderator sends it back to its creators."""
    moderation.decide_reports(
        entry=entry, by=ModeratorFactory(), decision="remove", reason="Not the creators' own"
    )


def withdraw(entry) -> None:
    """Its creator withdraws it."""
    challenge_services.withdraw_entry(entry=entry, by=entry.creators.first())


def unpublish(entry) -> None:
    """A platform superuser unpublishes its challenge in the admin."""
    challenge = Challenge.objects.get(pk=entry.challenge_id)
    challenge.is_published = False
    request = RequestFactory().post("/")
    request.user = OrganiserFactory(is_superuser=True)
    form = SimpleNamespace(changed_data=["is_published"])
    admin.site._registry[Challenge].save_model(request, challenge, form, change=True)
