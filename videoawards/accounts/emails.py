"""Plain-text emails from templates/<folder>/<name>_{subject,body}.txt (accounts' by default)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def send_templated_mail(
    *,
    to: str,
    template: str,
    context: dict,
    folder: str = "accounts/email",
    fail_silently: bool = False,
) -> None:
    """Render <folder>/<template>_subject.txt and _body.txt and send them to one address."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{folder}/{template}_subject.txt", context)
    body = render_to_string(f"{folder}/{template}_body.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[to],
        fail_silently=fail_silently,
    )
