"""Reads about accounts."""

from __future__ import annotations

from .models import User


def normalize_email(email: str) -> str:
    """Emails are stored and compared lower-cased and without surrounding spaces."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email=normalize_email(email)).first()


def user_by_id(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()
