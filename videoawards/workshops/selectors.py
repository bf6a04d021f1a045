"""Reads about workshops."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import Workshop


def upcoming_workshops(*, limit: int | None = None) -> QuerySet[Workshop]:
    qs = Workshop.objects.filter(is_published=True, ends_at__gte=timezone.now()).select_related(
        "provider_network"
    )
    return qs[:limit] if limit else qs
