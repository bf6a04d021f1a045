"""Mail leaves through the broker and a real worker, never from the web request.

The worker writes what it sends into files (EMAIL_URL=filemail://, set by the worker
fixture), so the test reads the mail the worker really sent."""

from __future__ import annotations

import email
import email.policy
import time

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import WORKER_MAIL_DIR
from videoawards.accounts.models import User

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _mail_the_worker_sent(to: str, timeout: float = 60) -> email.message.EmailMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(WORKER_MAIL_DIR.glob("*.log")) if WORKER_MAIL_DIR.exists() else []:
            for raw in path.read_bytes().split(b"-" * 79):
                if not raw.strip():
                    continue
                message = email.message_from_bytes(raw.strip(), policy=email.policy.default)
                if message["To"] == to:
                    return message  # type: ignore[return-value]
        time.sleep(0.2)
    raise AssertionError(f"the worker sent no mail to {to} within {timeout} s")


def test_sign_up_answers_at_once_and_the_worker_mails_in_the_page_language(
    client, celery_worker_process
):
    # given: someone reads the sign-up page in German
    data = {
        "email": "kim@example.org",
        "display_name": "Kim",
        "birth_year": "1990",
        "country": "DE",
        "password1": "glowing-jellyfish-42",
        "password2": "glowing-jellyfish-42",
    }
    # when
    response = client.post(reverse("accounts:signup"), data, HTTP_ACCEPT_LANGUAGE="de")
    # then: the request did not talk to any mail backend
    assert response.status_code == 302
    assert mail.outbox == []
    assert User.objects.get(email="kim@example.org").preferred_language == "de"
    # and the worker sent the link, in German
    message = _mail_the_worker_sent("kim@example.org")
    assert message["Subject"] == "Bestätige deine E-Mail-Adresse für videoawards"
    assert "/accounts/verify/" in message.get_content()
