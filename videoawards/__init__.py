"""videoawards: the Django project and its core domain apps."""

from .celery import app as celery_app

__all__ = ("celery_app",)
