"""The project package: settings, root URLs, WSGI entry and the Celery app."""

from .celery import app as celery_app

__all__ = ("celery_app",)
