"""Celery tasks for the unit tree: thin wrappers that load a row and call a service."""

from celery import shared_task

from .models import UnitImport
from .services import unit_import_run


@shared_task(acks_late=True)
def run_unit_import(unit_import_id: int) -> str:
    unit_import = UnitImport.objects.filter(pk=unit_import_id).first()
    if unit_import is None:
        return "missing"
    return unit_import_run(unit_import=unit_import).status
