"""The one task that talks to the mail server (core.mail queues it)."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings
from django.core import mail


@shared_task(
    name="core.send_mail",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=10,
    acks_late=True,
)
def send_mail(*, to: str, subject: str, body: str) -> None:
    """Send one rendered plain-text mail; a mail server that is away is retried for about
    a day (backoff from 30 s to an hour) before the mail is given up and logged."""
    mail.send_mail(
        subject=subject,
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[to],
    )
