"""Celery tasks for directives: thin wrappers that call a service."""

from celery import shared_task

from .services import imports_expire


@shared_task
def expire_imports() -> int:
    """Daily: delete uploads left unconfirmed for more than 30 days."""
    return imports_expire()
