"""The Celery app. Settings come from Django settings under the CELERY_ namespace."""

import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "videoawards.settings")

app = Celery("videoawards")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class ResendQueuedAfterReconnect(bootsteps.StartStopStep):
    """When a worker's broker connection comes back (Redis restarted, and without
    persistence it forgot every message), the assets the database says are queued are sent
    again. The worker's own start is handled in transcoding.tasks (worker_ready)."""

    requires = {"celery.worker.consumer.connection:Connection"}

    def __init__(self, parent, **kwargs) -> None:
        super().__init__(parent, **kwargs)
        self.connected_before = False

    def start(self, parent) -> None:
        if self.connected_before:
            # Lazy (PLC0415): the tasks import Django models, loaded after this module.
            from transcoding.tasks import resend_after_reconnect

            resend_after_reconnect()
        self.connected_before = True


app.steps["consumer"].add(ResendQueuedAfterReconnect)


@app.task(name="videoawards.ping")
def ping() -> str:
    """Answer "pong" and touch nothing: lets a health check prove a worker consumes tasks."""
    return "pong"
