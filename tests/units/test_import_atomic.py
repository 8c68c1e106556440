"""A unit import that fails in the middle of writing leaves the tree as it was."""

from __future__ import annotations

from typing import NoReturn

import pytest

from tests.units.test_tabular import unit_row, xlsx_bytes
from units.models import Unit, UnitImport, UnitNameRecord
from units.services import unit_import_run
from units.services.tree_import import UNEXPECTED_IMPORT_ERROR

pytestmark = pytest.mark.django_db

NEW_CODES = ["DUK-A-7", "DUK-A-8"]


def test_an_import_failing_after_writing_some_rows_leaves_nothing_of_the_file(
    tree, users, monkeypatch
):
    """The renamed cell is written, then the new cells, then the database fails before the
    parent's child count is updated: the import must be rolled back as a whole."""
    renamed = unit_row("DUK-A-1", "DUK-A", "Chi bộ Văn phòng Sở", member_count=20)
    rows = [renamed, *(unit_row(code, "DUK-A", f"Chi bộ {code}") for code in NEW_CODES)]
    job = UnitImport.objects.create(
        created_by=users.admin, file_name="them.xlsx", content=xlsx_bytes(rows)
    )
    before = list(Unit.objects.order_by("path").values())
    written_when_it_failed: list[tuple[int, int, str]] = []
    real_bulk_create = Unit.objects.bulk_create

    def bulk_create_then_fail(objs: list[Unit], *args: object, **kwargs: object) -> NoReturn:
        real_bulk_create(objs, *args, **kwargs)
        written_when_it_failed.append(
            (
                Unit.objects.filter(code__in=NEW_CODES).count(),
                UnitNameRecord.objects.filter(unit=tree.cell_a1).count(),
                Unit.objects.get(pk=tree.cell_a1.pk).name,
            )
        )
        raise RuntimeError("database went away")

    # On the manager instance only (its __dict__, emptied again afterwards), not on the
    # manager class that other tree models share.
    monkeypatch.setitem(vars(Unit.objects), "bulk_create", bulk_create_then_fail)

    unit_import_run(unit_import=job)

    assert written_when_it_failed == [(2, 1, "Chi bộ Văn phòng Sở")]
    assert not Unit.objects.filter(code__in=NEW_CODES).exists()
    assert not UnitNameRecord.objects.exists()
    assert list(Unit.objects.order_by("path").values()) == before
    job.refresh_from_db()
    assert job.status == UnitImport.Status.FAILED
    assert job.is_finished  # the progress page stops polling
    assert job.errors == [{"line": 0, "code": "", "message": UNEXPECTED_IMPORT_ERROR}]
    assert (job.created_count, job.updated_count) == (0, 0)
