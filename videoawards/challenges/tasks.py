"""Thin Celery tasks that call challenges services."""

from __future__ import annotations

from celery import shared_task

from videoawards.challenges import services
from videoawards.challenges.models import Challenge, Phase


@shared_task(name="challenges.follow_schedules")
def follow_schedules() -> int:
    """Records each phase a challenge on schedule reached by its dates (every 30 s)."""
    moving = Challenge.objects.filter(on_schedule=True).exclude(
        stage__in=[Phase.VOTING_CLOSED, Phase.RESULTS]
    )
    return sum(services.follow_schedule(challenge=challenge) for challenge in moving)
