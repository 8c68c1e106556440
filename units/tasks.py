"""Celery tasks for the unit tree: thin wrappers that load a row and call a service."""

from celery import shared_task

from .models import ReorganisationBatch, UnitImport
from .services import (
    reorganisation_batch_apply,
    reorganisation_batch_preview,
    unit_import_run,
)


@shared_task(acks_late=True)
def run_unit_import(unit_import_id: int) -> str:
    unit_import = UnitImport.objects.filter(pk=unit_import_id).first()
    if unit_import is None:
        return "missing"
    return unit_import_run(unit_import=unit_import).status


@shared_task(acks_late=True)
def run_reorganisation_preview(batch_id: int) -> str:
    batch = ReorganisationBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "missing"
    return reorganisation_batch_preview(batch=batch).status


@shared_task(acks_late=True)
def run_reorganisation_apply(batch_id: int) -> str:
    batch = ReorganisationBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "missing"
    return reorganisation_batch_apply(batch=batch).status
