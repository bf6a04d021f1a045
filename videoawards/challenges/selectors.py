"""Reads about challenges and entries."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import Challenge


def homepage_challenges() -> QuerySet[Challenge]:
    """Challenges open for entries now, closing soonest first."""
    now = timezone.now()
    return Challenge.objects.filter(
        is_published=True, entries_open_at__lte=now, entries_close_at__gt=now
    ).order_by("entries_close_at")
