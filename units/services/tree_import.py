"""Writes of the spreadsheet import: validate every row, then create and update units at once."""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..access import Capability, can, grants_for
from ..models import Unit, UnitImport, UnitKind, UnitNameRecord, User
from ..tabular import COLUMNS, read_spreadsheet
from .units import UNIT_EDITABLE_FIELDS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RowError:
    line: int
    code: str  # the unit code in that row, or "" when it has none
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


COUNT_FIELDS = ("member_count", "official_count", "youth_count", "other_count")
TRUE_WORDS = {"", "1", "x", "có", "co", "true", "yes", "đang hoạt động"}
FALSE_WORDS = {"0", "không", "khong", "false", "no", "ngừng hoạt động"}
NAME_FIELDS = ("name", "short_name", "symbol_code")
# Digits, optionally grouped in thousands ("1.234", "1,234", "1 234"); ASCII only, since
# str.isdigit() also accepts "²", which int() refuses. "12,5" is a fraction, not 125.
COUNT_PATTERN = re.compile(r"\d{1,3}(?:[., ]\d{3})+|\d+", re.ASCII)
HEADERS = {column.key: column.header for column in COLUMNS}
Progress = Callable[[int, int], None]


def _chunks(items: list[str], size: int = 2000) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _clean_row(row: dict[str, str], kinds: dict[str, UnitKind]) -> tuple[dict, list[str]]:
    """Turn one row's text into field values; collect every problem, not just the first."""
    problems: list[str] = []
    values: dict = {}
    if not row.get("code"):
        problems.append("thiếu mã đơn vị")
    elif len(row["code"]) > 40:
        problems.append("mã đơn vị dài quá 40 ký tự")
    else:
        try:
            Unit._meta.get_field("code").run_validators(row["code"])
        except ValidationError:
            problems.append(
                f"mã đơn vị “{row['code']}” chỉ được gồm chữ, số, dấu chấm, gạch ngang, gạch dưới"
            )
    if not row.get("name"):
        problems.append("thiếu tên đơn vị")
    elif len(row["name"]) > 255:
        problems.append("tên đơn vị dài quá 255 ký tự")
    kind = kinds.get(row.get("kind", "").casefold())
    if kind is None:
        problems.append(
            f"loại đơn vị “{row.get('kind', '')}” không có trong danh mục"
            if row.get("kind")
            else "thiếu loại đơn vị"
        )
    values["kind"] = kind
    for name, limit in (("short_name", 120), ("symbol_code", 40), ("place_name", 80)):
        values[name] = row.get(name, "")
        if len(values[name]) > limit:
            problems.append(f"cột “{HEADERS[name]}” dài quá {limit} ký tự")
    values["name"] = row.get("name", "")
    for name in COUNT_FIELDS:
        raw = row.get(name, "")
        if raw == "":
            values[name] = 0
        elif COUNT_PATTERN.fullmatch(raw):
            values[name] = int(re.sub(r"[., ]", "", raw))
        else:
            problems.append(f"{HEADERS[name]}: “{raw}” không phải số nguyên không âm")
    active = row.get("is_active", "").casefold()
    if active in TRUE_WORDS:
        values["is_active"] = True
    elif active in FALSE_WORDS:
        values["is_active"] = False
    else:
        problems.append(
            f"cột đang hoạt động phải là “có” hoặc “không”, không phải “{row['is_active']}”"
        )
    return values, problems


def _closed_problems(current: Unit | None, parent: Unit | None, values: dict) -> list[str]:
    """A unit closed by a reorganisation is history: a row neither changes nor reopens it, nor
    adds a unit under it (as unit_update and unit_create refuse)."""
    if current is None and parent is not None and parent.closed_on is not None:
        return [
            f"đơn vị cấp trên “{parent.code}” đã không còn hoạt động từ ngày "
            f"{parent.closed_on:%d/%m/%Y}"
        ]
    if current is None or current.closed_on is None:
        return []
    closed = f"đơn vị đã không còn hoạt động từ ngày {current.closed_on:%d/%m/%Y}"
    if values.get("is_active"):
        return [
            f"{closed}: không thể đặt lại là đang hoạt động "
            f"(hãy ghi “không” ở cột “{HEADERS['is_active']}”)"
        ]
    kind = values.get("kind")
    if (kind is not None and kind.pk != current.kind_id) or any(
        getattr(current, f) != values[f]
        for f in (*NAME_FIELDS, *UNIT_EDITABLE_FIELDS)
        if f != "kind" and f in values
    ):
        return [f"{closed}: không thay đổi được thông tin của đơn vị này"]
    return []


def unit_tree_import(
    *, actor: User | None, rows: list[tuple[int, dict[str, str]]], progress: Progress | None = None
) -> ImportResult:
    """Create and update units from spreadsheet rows, all or nothing.

    Rows are matched by unit code: a new code creates a unit under its parent's code (a unit
    earlier in the file or already in the tree); a known code updates that unit, and a changed
    name is kept as a rename. A known unit's parent cannot be changed here (use a move). With an
    actor, every unit touched must lie in the subtrees the actor manages. Any bad row means
    nothing is written and every bad row is reported.
    """
    progress = progress or (lambda done, total: None)
    total = len(rows)
    kinds: dict[str, UnitKind] = {}
    for kind in UnitKind.objects.all():
        kinds[kind.code.casefold()] = kind
        kinds[kind.name.casefold()] = kind

    codes_in_file = {row.get("code", "") for _, row in rows} - {""}
    wanted = sorted(codes_in_file | {r.get("parent_code", "") for _, r in rows} - {""})
    existing: dict[str, Unit] = {}
    for chunk in _chunks(wanted):
        existing.update({u.code: u for u in Unit.objects.filter(code__in=chunk)})

    errors: list[RowError] = []
    seen: dict[str, int] = {}
    cleaned: list[tuple[int, dict[str, str], dict]] = []
    for index, (line, row) in enumerate(rows, start=1):
        values, problems = _clean_row(row, kinds)
        code, parent_code = row.get("code", ""), row.get("parent_code", "")
        if code and code in seen:
            problems.append(f"mã đơn vị trùng với dòng {seen[code]}")
        elif code:
            seen[code] = line
        if parent_code and parent_code == code:
            problems.append("đơn vị không thể là cấp trên của chính nó")
        current = existing.get(code)
        if current is not None:
            if actor is not None and not can(actor, Capability.MANAGE, current):
                problems.append("đơn vị này nằm ngoài phạm vi bạn quản lý")
            current_parent = current.path[: -Unit.steplen]
            parent = existing.get(parent_code)
            if (parent.path if parent else "") != current_parent or (
                parent_code and parent is None
            ):
                problems.append(
                    "không đổi được đơn vị cấp trên của đơn vị đã có khi nhập tệp; "
                    "hãy dùng chức năng “Chuyển đơn vị”"
                )
        elif parent_code and parent_code not in existing and parent_code not in codes_in_file:
            problems.append(f"không tìm thấy đơn vị cấp trên có mã “{parent_code}”")
        elif parent_code in existing and actor is not None:
            if not can(actor, Capability.MANAGE, existing[parent_code]):
                problems.append("đơn vị cấp trên nằm ngoài phạm vi bạn quản lý")
        elif not parent_code and actor is not None and not actor.is_superuser:
            problems.append("thiếu mã đơn vị cấp trên (chỉ quản trị hệ thống được tạo đơn vị gốc)")
        problems += _closed_problems(current, existing.get(parent_code), values)
        if problems:
            errors.append(RowError(line=line, code=code, message="; ".join(problems)))
        else:
            cleaned.append((line, row, values))
        if index % 500 == 0:
            progress(index, total)

    # New units whose parent is another new row: that chain must reach the tree without a cycle.
    new_rows = {row["code"]: (line, row) for line, row, _ in cleaned if row["code"] not in existing}
    bad_lines = {e.line for e in errors}
    for code, (line, row) in new_rows.items():
        chain, parent_code = {code}, row.get("parent_code", "")
        while parent_code and parent_code not in existing:
            if parent_code in chain:
                errors.append(
                    RowError(line, code, "vòng lặp: đơn vị nằm dưới chính nó qua các dòng khác")
                )
                break
            chain.add(parent_code)
            parent_line = seen.get(parent_code)
            if parent_line in bad_lines:
                errors.append(RowError(line, code, f"đơn vị cấp trên ở dòng {parent_line} có lỗi"))
                break
            parent_code = new_rows.get(parent_code, (0, {}))[1].get("parent_code", "")
    if errors:
        errors.sort(key=lambda e: e.line)
        return ImportResult(errors=errors)
    # Every row checked: what follows runs in one transaction, invisible to others until it ends.
    progress(total, total)
    return _apply_import(actor=actor, cleaned=cleaned, existing=existing)


@transaction.atomic
def _apply_import(
    *,
    actor: User | None,
    cleaned: list[tuple[int, dict[str, str], dict]],
    existing: dict[str, Unit],
) -> ImportResult:
    today = timezone.localdate()
    result = ImportResult()
    to_update: list[Unit] = []
    renames: list[UnitNameRecord] = []
    new: list[tuple[dict[str, str], dict]] = []
    for _line, row, values in cleaned:
        unit = existing.get(row["code"])
        if unit is None:
            new.append((row, values))
            continue
        renamed = any(getattr(unit, f) != values[f] for f in NAME_FIELDS)
        if renamed:
            renames.append(
                UnitNameRecord(
                    unit=unit,
                    name=unit.name,
                    short_name=unit.short_name,
                    symbol_code=unit.symbol_code,
                    valid_from=unit.name_since,
                    valid_until=today - datetime.timedelta(days=1),
                    recorded_by=actor,
                )
            )
            unit.name_since = today
        fields = [*NAME_FIELDS, *UNIT_EDITABLE_FIELDS]
        if renamed or any(getattr(unit, f) != values[f] for f in fields):
            for f in fields:
                setattr(unit, f, values[f])
            unit.refresh_search_name()
            to_update.append(unit)
    if to_update:
        Unit.objects.bulk_update(
            to_update,
            [*NAME_FIELDS, *UNIT_EDITABLE_FIELDS, "name_since", "search_name"],
            batch_size=500,
        )
        UnitNameRecord.objects.bulk_create(renames, batch_size=500)
    result.updated = len(to_update)

    # Place new units parent-first, computing materialised paths here: one INSERT per batch
    # instead of treebeard's several queries per node.
    # Lock the existing parents that receive children, in a fixed order: two imports under one
    # parent then take turns instead of computing the same new paths.
    receiving = sorted({row.get("parent_code", "") for row, _ in new} & existing.keys())
    for chunk in _chunks(receiving):
        list(
            Unit.objects.select_for_update().filter(code__in=chunk).order_by("pk").values_list("pk")
        )
    by_code: dict[str, Unit] = dict(existing)
    next_step: dict[str, int] = {}
    added_children: dict[str, int] = {}
    pending = list(new)
    created: list[Unit] = []
    while pending:
        waiting = []
        for row, values in pending:
            parent = by_code.get(row.get("parent_code", "")) if row.get("parent_code") else None
            if row.get("parent_code") and parent is None:
                waiting.append((row, values))
                continue
            parent_path = parent.path if parent else ""
            if parent is not None and parent.pk is None:
                next_step.setdefault(parent_path, 1)  # created by this import: no children yet
            elif parent_path not in next_step:
                last = (
                    Unit.objects.filter(
                        path__startswith=parent_path, depth=(parent.depth + 1) if parent else 1
                    )
                    .order_by("-path")
                    .values_list("path", flat=True)
                    .first()
                )
                # treebeard's path helpers, private classmethods stubs/treebeard leaves out
                step = Unit._str2int(last[-Unit.steplen :]) if last else 0  # type: ignore[attr-defined]
                next_step[parent_path] = step + 1
            depth = (parent.depth + 1) if parent else 1
            unit = Unit(
                code=row["code"],
                path=Unit._get_path(parent_path, depth, next_step[parent_path]),  # type: ignore[attr-defined]
                depth=depth,
                numchild=0,
                name_since=None,
                # A file loads units that exist already (the first load of a tree, or units
                # found missing): no founding date, they "always existed" for past days'
                # dashboards. A unit founded now is added by hand (unit_create, from today).
                opened_on=None,
                **values,
            )
            unit.refresh_search_name()
            next_step[parent_path] += 1
            if parent is not None:
                if parent.pk is None:
                    parent.numchild += 1
                else:
                    added_children[parent.path] = added_children.get(parent.path, 0) + 1
            by_code[unit.code] = unit
            created.append(unit)
        if len(waiting) == len(pending):  # cannot happen after validation; never loop forever
            raise ValidationError("Không xác định được đơn vị cấp trên.", code="unresolved")
        pending = waiting
    Unit.objects.bulk_create(created, batch_size=1000)
    for path, count in added_children.items():
        Unit.objects.filter(path=path).update(numchild=F("numchild") + count)
    result.created = len(created)
    return result


UNEXPECTED_IMPORT_ERROR = (
    "Lỗi hệ thống khi nhập: không dòng nào được nhập. Hãy tải tệp lên lại; "
    "nếu vẫn lỗi, hãy báo quản trị hệ thống."
)


def unit_import_run(*, unit_import: UnitImport) -> UnitImport:
    """Run a stored import, recording progress on the row as it goes (idempotent once finished)."""
    if unit_import.is_finished:
        return unit_import
    UnitImport.objects.filter(pk=unit_import.pk).update(status=UnitImport.Status.RUNNING)

    def progress(done: int, total: int) -> None:
        UnitImport.objects.filter(pk=unit_import.pk).update(processed_rows=done, total_rows=total)

    try:
        parsed = read_spreadsheet(unit_import.file_name, bytes(unit_import.content))
        UnitImport.objects.filter(pk=unit_import.pk).update(total_rows=len(parsed.rows))
        result = unit_tree_import(actor=unit_import.created_by, rows=parsed.rows, progress=progress)
        errors = [{"line": e.line, "code": e.code, "message": e.message} for e in result.errors]
    except ValidationError as exc:
        result, errors = (
            ImportResult(),
            [{"line": 1, "code": "", "message": m} for m in exc.messages],
        )
    except Exception:
        # Anything unexpected (a lost database connection, a concurrent import that won the
        # same tree path) rolled the import back; record it so the page stops waiting.
        logger.exception("unit import %s failed", unit_import.pk)
        result, errors = (
            ImportResult(),
            [{"line": 0, "code": "", "message": UNEXPECTED_IMPORT_ERROR}],
        )
    unit_import.refresh_from_db()
    unit_import.status = UnitImport.Status.FAILED if errors else UnitImport.Status.DONE
    unit_import.errors = errors
    unit_import.created_count, unit_import.updated_count = result.created, result.updated
    unit_import.processed_rows = unit_import.total_rows
    unit_import.finished_at = timezone.now()
    unit_import.content = b""  # the file is no longer needed once the result is recorded
    unit_import.save(
        update_fields=[
            "status",
            "errors",
            "created_count",
            "updated_count",
            "processed_rows",
            "finished_at",
            "content",
        ]
    )
    return unit_import


@transaction.atomic
def unit_import_start(*, actor: User, file_name: str, content: bytes) -> UnitImport:
    """Store the uploaded file and queue its import once this transaction commits."""
    from ..tasks import run_unit_import  # tasks.py imports this package

    if not grants_for(actor).paths_for(Capability.MANAGE):
        raise ValidationError("Bạn không có quyền nhập danh sách đơn vị.", code="forbidden")
    unit_import = UnitImport.objects.create(created_by=actor, file_name=file_name, content=content)
    run_unit_import.delay_on_commit(unit_import.pk)
    return unit_import
