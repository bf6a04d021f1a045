"""Every email leaves through one Celery task, queued once the change it reports is
committed: no web request talks to the mail server, a mail server that is down delays
mail instead of failing a sign-up, and a change that is rolled back sends nothing.

queue_mail renders the subject and body at once, in the recipient's language (the caller
says which: a person's own choice, see accounts.selectors.mail_language), so the task
carries only text and can never speak the wrong language. Templates are
<folder>/<template>_subject.txt and <folder>/<template>_body.txt; `site_url` is in every
context.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from videoawards.core.tasks import send_mail


def render_mail(*, template: str, context: dict, folder: str, language: str) -> tuple[str, str]:
    """The subject (one line) and body of a templated mail, in `language`."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"{folder}/{template}_subject.txt", context)
        body = render_to_string(f"{folder}/{template}_body.txt", context)
    return " ".join(subject.split()), body


def _send_later(*, to: str, subject: str, body: str) -> None:
    send_mail.apply_async(kwargs={"to": to, "subject": subject, "body": body})


def queue_rendered(*, to: str, subject: str, body: str) -> None:
    """Have a worker send an already rendered mail after the current transaction commits."""
    subject = " ".join(subject.split())
    # robust: a broker that is briefly away must not undo the committed change.
    transaction.on_commit(partial(_send_later, to=to, subject=subject, body=body), robust=True)


def queue_mail(
    *, to: str, template: str, context: dict, folder: str, language: str | None = None
) -> None:
    """Render a mail to one address in `language` (the site's if None) and have a worker
    send it after the current transaction commits (at once outside one)."""
    subject, body = render_mail(
        template=template,
        context=context,
        folder=folder,
        language=language or settings.LANGUAGE_CODE,
    )
    queue_rendered(to=to, subject=subject, body=body)
