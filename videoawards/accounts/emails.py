"""Mail to people with an account, in the language they chose (core.mail sends it)."""

from __future__ import annotations

from django.conf import settings

from videoawards.core.mail import queue_mail


def mail_language(user) -> str:
    """The language a person reads their mail in: their own choice, else the site's."""
    chosen = getattr(user, "preferred_language", "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def mail_user(*, user, template: str, context: dict, folder: str = "accounts/email") -> None:
    """Queue <folder>/<template> to `user`'s address, rendered in their language."""
    queue_mail(
        to=user.email,
        template=template,
        context=context,
        folder=folder,
        language=mail_language(user),
    )
