"""The bulk reorganisation file tried in a transaction that is rolled back (the preview), then
applied all or nothing, through the same operation services; the file itself is read and
checked in `reorganise_file`.
"""

from __future__ import annotations

import logging
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..access import Capability, can
from ..models import (
    Reorganisation,
    ReorganisationBatch,
    Unit,
    User,
)
from ..tabular import read_spreadsheet
from .reorganise import (
    NewUnit,
    record_simple_operation,
    unit_close,
    unit_merge,
    unit_split,
)
from .reorganise_file import (
    COUNT_LABELS,
    LAYOUT,
    UNEXPECTED_ERROR,
    BatchResult,
    LineError,
    Part,
    Planned,
    Progress,
    plan_rows,
)
from .units import unit_move, unit_rename, unit_update

logger = logging.getLogger(__name__)

Kind = Reorganisation.Kind


# ---------------------------------------------------------------------------- trying them


def _label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


def _new_codes(op: Planned) -> list[str]:
    """The codes of the units the operation creates (a merger's new unit has a kind)."""
    if op.kind == Kind.SPLIT or (op.kind == Kind.MERGE and op.parts[0].kind is not None):
        return [p.code for p in op.parts]
    return []


def _apply(
    op: Planned,
    actor: User | None,
    batch: ReorganisationBatch | None,
    failed: dict[str, int],
) -> dict:
    """Carry out one operation through the services; what it did, for the preview table.

    `failed`: codes of units that earlier rows would have created, had they not failed.
    """
    codes = {*op.old_codes, *(p.code for p in op.parts), *(p.parent_code for p in op.parts)}
    units = Unit.objects.select_related("kind").in_bulk(codes - {""}, field_name="code")
    for code in sorted(codes & failed.keys() - units.keys()):
        raise ValidationError(f"đơn vị “{code}” được lập ở dòng {failed[code]}, dòng đó có lỗi")
    old = [units[code] for code in op.old_codes]
    part = op.parts[0]
    counts: Counter = Counter()
    names = ", ".join(_label(u) for u in old)

    def new_unit(part: Part) -> NewUnit:
        assert part.kind is not None  # noqa: S101 (checked with the row)
        return NewUnit(
            code=part.code,
            name=part.name,
            kind=part.kind,
            parent=units[part.parent_code] if part.parent_code else None,
            short_name=part.short_name,
            symbol_code=part.symbol,
            member_count=part.member_count,
        )

    if op.kind == Kind.MERGE:
        into = units.get(part.code)
        if into is not None:
            operation = unit_merge(
                predecessors=old,
                into=into,
                actor=actor,
                day=op.day,
                decision=op.decision,
                batch=batch,
            )
            if part.member_count is not None:
                unit_update(actor=actor, unit=into, member_count=part.member_count)
            text = f"Sáp nhập {names} vào {_label(into)}"
        else:
            operation = unit_merge(
                predecessors=old,
                new=new_unit(part),
                actor=actor,
                day=op.day,
                decision=op.decision,
                batch=batch,
            )
            text = f"Hợp nhất {names} thành đơn vị mới {part.name} ({part.code})"
        counts.update(operation.summary)
    elif op.kind == Kind.SPLIT:
        operation = unit_split(
            unit=old[0],
            parts=[new_unit(p) for p in op.parts],
            actor=actor,
            day=op.day,
            decision=op.decision,
            batch=batch,
        )
        counts.update(operation.summary)
        text = (
            f"Chia tách {names} thành "
            + ", ".join(f"{p.name} ({p.code})" for p in op.parts)
            + f"; {op.parts[0].name} tiếp nhận công việc"
        )
    elif op.kind == Kind.CLOSE:
        successor = units.get(part.code) if part.code else None
        for unit in old:
            operation = unit_close(
                unit=unit,
                takes_over=successor,
                actor=actor,
                day=op.day,
                decision=op.decision,
                batch=batch,
            )
            counts.update(operation.summary)
        text = f"Giải thể {names}" + (f"; {_label(successor)} tiếp nhận" if successor else "")
    elif op.kind == Kind.RENAME:
        (unit,) = old
        text = f"Đổi tên {_label(unit)} thành “{part.name}”"
        unit_rename(
            actor=actor,
            unit=unit,
            name=part.name,
            short_name=part.short_name or unit.short_name,
            symbol_code=part.symbol or unit.symbol_code,
            effective_date=op.day,
        )
        if part.kind is not None and part.kind != unit.kind:
            unit_update(actor=actor, unit=unit, kind=part.kind)
        record_simple_operation(
            kind=Kind.RENAME, unit=unit, actor=actor, day=op.day, decision=op.decision, batch=batch
        )
        counts["units_renamed"] += 1
    else:
        for unit in old:
            # An earlier move in this row may have moved this unit or the parent.
            unit.refresh_from_db()
            parent = Unit.objects.get(code=part.parent_code)
            unit_move(actor=actor, unit=unit, new_parent=parent, effective_date=op.day)
            record_simple_operation(
                kind=Kind.MOVE,
                unit=unit,
                actor=actor,
                day=op.day,
                decision=op.decision,
                batch=batch,
            )
            counts["units_moved"] += 1
        text = f"Chuyển {names} về trực thuộc {_label(units[part.parent_code])}"
    return {
        "line": op.line,
        "lines": op.lines,
        "kind": op.kind,
        "kind_label": str(Kind(op.kind).label),
        "day": op.day.strftime("%d/%m/%Y"),
        "decision": op.decision.number,
        "text": text,
        "counts": dict(sorted(counts.items())),
    }


def _one_call(op: Planned) -> bool:
    """Whether the row is one service call: a split, the closure of one unit, or a merger but
    one into an existing unit (the row names no kind) whose member count is then set."""
    if op.kind == Kind.MERGE:
        return op.parts[0].kind is not None or op.parts[0].member_count is None
    return op.kind == Kind.SPLIT or (op.kind == Kind.CLOSE and len(op.old_codes) == 1)


def _summary(operations: list[dict], rows: int) -> dict:
    totals: Counter = Counter()
    for entry in operations:
        totals.update(entry["counts"])
    return {
        "rows": rows,
        "operations": len(operations),
        "by_kind": dict(Counter(str(Kind(e["kind"]).label) for e in operations)),
        "counts": {key: totals[key] for key in COUNT_LABELS if totals[key]},
    }


def reorganise_rows(
    *,
    actor: User | None,
    scope: Unit,
    rows: list[tuple[int, dict[str, str]]],
    keep: bool,
    batch: ReorganisationBatch | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Carry out the file's rows in order in one transaction, each through its service.

    Every row is tried, in a savepoint, so that every bad row is reported with its line and
    reason; the transaction is then rolled back unless `keep` and no row was bad: the preview
    and the application run the same code, and a file with any bad row changes nothing.
    """
    planned, errors = plan_rows(scope=scope, rows=rows, progress=progress)
    operations: list[dict] = []
    failed: dict[str, int] = {}
    with transaction.atomic():
        for op in planned:
            if op.problems:
                errors.extend(op.problems)
                continue
            try:
                if _one_call(op):  # the service's own atomic block undoes a refused row
                    operations.append(_apply(op, actor, batch, failed))
                else:
                    with transaction.atomic():
                        operations.append(_apply(op, actor, batch, failed))
            except ValidationError as exc:
                errors.append(LineError(op.line, "; ".join(exc.messages)))
                failed.update(dict.fromkeys(_new_codes(op), op.line))
        if errors or not keep:
            transaction.set_rollback(True)
    errors.sort(key=lambda e: e.line)
    return BatchResult(
        operations=operations, errors=errors, summary=_summary(operations, len(rows))
    )


# ---------------------------------------------------------------------------- the batch


def _read(batch: ReorganisationBatch) -> list[tuple[int, dict[str, str]]]:
    return read_spreadsheet(batch.file_name, bytes(batch.content), LAYOUT).rows


def reorganisation_batch_preview(*, batch: ReorganisationBatch) -> ReorganisationBatch:
    """Try the stored file and roll it back, recording what each row would do and every bad
    row (idempotent: a batch already previewed is left as it is)."""
    Status = ReorganisationBatch.Status
    if batch.status not in (Status.PENDING, Status.PREVIEWING):
        return batch
    ReorganisationBatch.objects.filter(pk=batch.pk).update(status=Status.PREVIEWING)

    def progress(done: int, total: int) -> None:
        ReorganisationBatch.objects.filter(pk=batch.pk).update(
            processed_rows=done, total_rows=total
        )

    try:
        rows = _read(batch)
        ReorganisationBatch.objects.filter(pk=batch.pk).update(total_rows=len(rows))
        result = reorganise_rows(
            actor=batch.created_by,
            scope=batch.scope,
            rows=rows,
            keep=False,
            batch=batch,
            progress=progress,
        )
    except ValidationError as exc:
        result = BatchResult(errors=[LineError(1, m) for m in exc.messages])
    except Exception:
        logger.exception("reorganisation batch %s preview failed", batch.pk)
        result = BatchResult(errors=[LineError(0, UNEXPECTED_ERROR)])
    batch.refresh_from_db()
    batch.status = Status.PREVIEWED if result.ok else Status.INVALID
    batch.preview, batch.summary, batch.errors = (
        result.operations,
        result.summary,
        result.errors_json(),
    )
    batch.processed_rows = batch.total_rows
    batch.save(update_fields=["status", "preview", "summary", "errors", "processed_rows"])
    return batch


@transaction.atomic
def reorganisation_batch_apply_start(
    *, actor: User, batch: ReorganisationBatch
) -> ReorganisationBatch:
    """Queue the application of a previewed batch without errors, once."""
    from ..tasks import run_reorganisation_apply  # tasks.py imports this package

    Status = ReorganisationBatch.Status
    if not can(actor, Capability.MANAGE, batch.scope):
        raise ValidationError("Bạn không có quyền với đơn vị này.", code="forbidden")
    started = ReorganisationBatch.objects.filter(
        pk=batch.pk, status=Status.PREVIEWED, errors=[]
    ).update(status=Status.APPLYING, applied_by=actor, processed_rows=0)
    if not started:
        raise ValidationError(
            "Chỉ thực hiện được tệp đã xem trước và không có dòng lỗi, một lần.",
            code="not_previewed",
        )
    run_reorganisation_apply.delay_on_commit(batch.pk)
    batch.refresh_from_db()
    return batch


def reorganisation_batch_apply(*, batch: ReorganisationBatch) -> ReorganisationBatch:
    """Apply a batch all or nothing (idempotent: only a batch being applied is applied)."""
    Status = ReorganisationBatch.Status

    result = BatchResult()
    try:
        with transaction.atomic():
            locked = (
                ReorganisationBatch.objects.select_for_update()
                .filter(pk=batch.pk, status=Status.APPLYING)
                .first()
            )
            if locked is None:
                return batch
            result = reorganise_rows(
                actor=locked.applied_by,
                scope=locked.scope,
                rows=_read(locked),
                keep=True,
                batch=locked,
            )
            if result.ok:
                locked.status = Status.APPLIED
                locked.applied_at = timezone.now()
                locked.preview, locked.summary = result.operations, result.summary
                locked.processed_rows = locked.total_rows
                locked.save(
                    update_fields=["status", "applied_at", "preview", "summary", "processed_rows"]
                )
    except ValidationError as exc:
        result = BatchResult(errors=[LineError(1, m) for m in exc.messages])
    except Exception:
        logger.exception("reorganisation batch %s failed", batch.pk)
        result = BatchResult(errors=[LineError(0, UNEXPECTED_ERROR)])
    if not result.ok:
        ReorganisationBatch.objects.filter(pk=batch.pk).update(
            status=Status.FAILED, errors=result.errors_json()
        )
    batch.refresh_from_db()
    return batch


@transaction.atomic
def reorganisation_batch_start(
    *, actor: User, scope: Unit, file_name: str, content: bytes
) -> ReorganisationBatch:
    """Store the uploaded file and queue its preview once this transaction commits."""
    from ..tasks import run_reorganisation_preview  # tasks.py imports this package

    if not can(actor, Capability.MANAGE, scope):
        raise ValidationError("Bạn không có quyền với đơn vị này.", code="forbidden")
    batch = ReorganisationBatch.objects.create(
        created_by=actor, scope=scope, file_name=file_name, content=content
    )
    run_reorganisation_preview.delay_on_commit(batch.pk)
    return batch
