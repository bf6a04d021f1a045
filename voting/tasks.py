"""Thin Celery tasks that call voting services."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from videoawards.challenges.models import Challenge
from voting import services


@shared_task(name="voting.flag_suspicious_votes")
def flag_suspicious_votes() -> int:
    """Looks for suspicious patterns in every challenge whose vote is open or just closed."""
    now = timezone.now()
    found = 0
    recent = Challenge.objects.filter(
        voting_opens_at__lte=now, voting_closes_at__gte=now - timedelta(days=1)
    )
    for challenge in recent:
        found += len(services.flag_suspicious_votes(challenge=challenge))
    return found


@shared_task(name="voting.release_due_results")
def release_due_results() -> int:
    """Publishes the results scheduled for now or earlier."""
    return len(services.release_due_results())


@shared_task(name="voting.tell_participants_about_results")
def tell_participants_about_results(publication_id: int) -> int:
    """Queues the results mail of every participant of a published challenge."""
    return services.tell_participants_about_results(publication_id=publication_id)
