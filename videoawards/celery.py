"""The Celery app. Settings come from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "videoawards.settings")

app = Celery("videoawards")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="videoawards.ping")
def ping() -> str:
    """Answer "pong" and touch nothing: lets a health check prove a worker consumes tasks."""
    return "pong"
