"""The bulk reorganisation file: its columns, reading and checking its rows, and the template.

Conventions of the file (also shown on the upload page):
- merge ("hợp nhất", "sáp nhập"): the old codes end; the new code is a new unit (name and kind
  required; parent default the first old unit's parent) or an existing unit that carries on.
- split ("chia tách"): one row per new part, each with the same old code, date and decision;
  the part of the first row takes over the open work and the open child units.
- close ("giải thể"): the old codes end; the new code, if given, is the unit that takes over
  (default: the parent).
- rename ("đổi tên"): one old code, its new name (short name, symbol, kind: blank keeps them).
- move ("chuyển"): the old codes move under the new parent code.
In a merger or split everyone holding a role in a unit that ends is carried over to the
successor with that role; in a closure nobody (units.services.reorganise).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from ..models import (
    Reorganisation,
    Unit,
    UnitKind,
    fold_for_search,
)
from ..tabular import Column, Layout
from .reorganise import (
    Decision,
)
from .tree_import import COUNT_PATTERN

Kind = Reorganisation.Kind

COLUMNS: tuple[Column, ...] = (
    Column("kind", "Loại sắp xếp", required=True),
    Column("effective_date", "Ngày có hiệu lực", required=True),
    Column("decision_number", "Số quyết định", required=True),
    Column("decision_date", "Ngày quyết định"),
    Column("decision_body", "Cơ quan quyết định"),
    Column("old_codes", "Mã đơn vị cũ", required=True),
    Column("new_code", "Mã đơn vị mới"),
    Column("new_name", "Tên đơn vị mới"),
    Column("new_short_name", "Tên viết tắt mới"),
    Column("new_symbol", "Ký hiệu văn bản mới"),
    Column("new_kind", "Loại đơn vị mới"),
    Column("new_parent_code", "Mã đơn vị cấp trên mới"),
    Column("member_count", "Số đảng viên"),
)
HEADERS = {column.key: column.header for column in COLUMNS}
LAYOUT = Layout(
    columns=COLUMNS,
    template_hint="Hãy dùng tệp mẫu tải từ trang nhập tệp sắp xếp đơn vị.",
    no_rows="Tệp không có dòng sắp xếp nào.",
)

# What each column means, for the upload page.
COLUMN_HELP: dict[str, str] = {
    "kind": "hợp nhất (hoặc sáp nhập), chia tách, giải thể, đổi tên, chuyển",
    "effective_date": "ngày/tháng/năm, không sau hôm nay; đơn vị cũ không còn từ ngày này",
    "decision_number": "ví dụ 1234-QĐ/TU",
    "decision_date": "ngày/tháng/năm (không bắt buộc)",
    "decision_body": "ví dụ Ban Thường vụ Tỉnh ủy (không bắt buộc)",
    "old_codes": "một hoặc nhiều mã, cách nhau bởi dấu “;” hoặc “,”",
    "new_code": (
        "hợp nhất: mã đơn vị mới, hoặc mã một đơn vị đã có để sáp nhập vào; chia tách: mã của "
        "phần mới ở dòng này; giải thể: đơn vị tiếp nhận công việc (trống: đơn vị cấp trên)"
    ),
    "new_name": "tên đơn vị mới (hợp nhất, chia tách) hoặc tên mới (đổi tên)",
    "new_short_name": "không bắt buộc; đổi tên: trống là giữ như cũ",
    "new_symbol": "ký hiệu trên văn bản, ví dụ ĐU; đổi tên: trống là giữ như cũ",
    "new_kind": "mã hoặc tên loại đơn vị, ví dụ dang-bo-co-so hoặc “Đảng bộ cơ sở”",
    "new_parent_code": (
        "chuyển: đơn vị cấp trên mới (bắt buộc); hợp nhất, chia tách: cấp trên của đơn vị mới "
        "(trống: cấp trên của đơn vị cũ)"
    ),
    "member_count": "số đảng viên của đơn vị mới (trống: cộng từ các đơn vị cũ)",
}

KIND_WORDS: dict[str, str] = {
    "hop nhat": Kind.MERGE,
    "sap nhap": Kind.MERGE,
    "hop nhat, sap nhap": Kind.MERGE,
    "merge": Kind.MERGE,
    "chia tach": Kind.SPLIT,
    "tach": Kind.SPLIT,
    "split": Kind.SPLIT,
    "giai the": Kind.CLOSE,
    "close": Kind.CLOSE,
    "doi ten": Kind.RENAME,
    "rename": Kind.RENAME,
    "chuyen": Kind.MOVE,
    "chuyen truc thuoc": Kind.MOVE,
    "move": Kind.MOVE,
}
# Every row fills these; the kinds of row may fill the columns of ALLOWED as well.
COMMON = {
    "kind",
    "effective_date",
    "decision_number",
    "decision_date",
    "decision_body",
    "old_codes",
}
ALLOWED: dict[str, set[str]] = {
    Kind.MERGE: {
        "new_code",
        "new_name",
        "new_short_name",
        "new_symbol",
        "new_kind",
        "new_parent_code",
        "member_count",
    },
    Kind.SPLIT: {
        "new_code",
        "new_name",
        "new_short_name",
        "new_symbol",
        "new_kind",
        "new_parent_code",
        "member_count",
    },
    Kind.CLOSE: {"new_code"},
    Kind.RENAME: {"new_code", "new_name", "new_short_name", "new_symbol", "new_kind"},
    Kind.MOVE: {"new_parent_code"},
}
LIMITS = {
    "decision_number": 80,
    "decision_body": 255,
    "new_code": 40,
    "new_name": 255,
    "new_short_name": 120,
    "new_symbol": 40,
}
# What an operation's summary counts, as the preview table names them.
COUNT_LABELS: dict[str, str] = {
    "units_closed": "Đơn vị kết thúc",
    "units_opened": "Đơn vị mới",
    "units_moved": "Đơn vị chuyển trực thuộc",
    "units_renamed": "Đơn vị đổi tên",
    "children_moved": "Đơn vị trực thuộc chuyển theo",
    "memberships_ended": "Phân công kết thúc",
    "memberships_carried": "Phân công chuyển sang đơn vị mới",
    "obligations_handed_over": "Việc còn mở chuyển giao",
    "obligations_merged": "Việc gộp vào việc của đơn vị nhận",
    "report_drafts_moved": "Báo cáo nháp chuyển theo",
    "reminders_withdrawn": "Nhắc việc rút lại",
}
DATE_PATTERNS = (
    re.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?: 00:00:00)?"),
)
UNEXPECTED_ERROR = (
    "Lỗi hệ thống khi xử lý tệp: không thay đổi gì. Hãy thử lại; nếu vẫn lỗi, hãy báo quản trị "
    "hệ thống."
)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


@dataclass
class Part:
    """What one row says about a new or carrying-on unit (a split has one per row)."""

    line: int
    code: str = ""
    name: str = ""
    short_name: str = ""
    symbol: str = ""
    kind: UnitKind | None = None
    parent_code: str = ""
    member_count: int | None = None


@dataclass
class Planned:
    """One operation as the file states it, checked as far as the file alone allows."""

    kind: str
    lines: list[int]
    day: datetime.date
    decision: Decision
    old_codes: list[str]
    parts: list[Part]
    problems: list[LineError] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.lines[0]


@dataclass
class BatchResult:
    """What the rows did (or would do): one preview entry per operation, and every bad row."""

    operations: list[dict] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    summary: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_json(self) -> list[dict]:
        return [{"line": e.line, "message": e.message} for e in self.errors]


# ---------------------------------------------------------------------------- reading rows


def _date(raw: str) -> datetime.date | None:
    for pattern in DATE_PATTERNS:
        match = pattern.fullmatch(raw)
        if match:
            try:
                return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


def _codes(raw: str) -> list[str]:
    return [code.strip() for code in re.split(r"[;,]", raw) if code.strip()]


def _kinds() -> dict[str, UnitKind]:
    kinds: dict[str, UnitKind] = {}
    for kind in UnitKind.objects.all():
        kinds[kind.code.casefold()] = kind
        kinds[kind.name.casefold()] = kind
    return kinds


def _read_row(
    line: int, row: dict[str, str], kinds: dict[str, UnitKind], today: datetime.date
) -> tuple[Planned | None, list[str]]:
    """One row's text as an operation; every problem the row alone shows, not just the first."""
    problems: list[str] = []
    kind = KIND_WORDS.get(fold_for_search(row.get("kind", "")))
    if kind is None:
        problems.append(
            f"loại sắp xếp “{row['kind']}” không rõ: ghi hợp nhất, chia tách, giải thể, "
            "đổi tên hoặc chuyển"
            if row.get("kind")
            else "thiếu loại sắp xếp"
        )
    day = _date(row.get("effective_date", ""))
    if not row.get("effective_date"):
        problems.append("thiếu ngày có hiệu lực")
    elif day is None:
        problems.append(
            f"ngày có hiệu lực “{row['effective_date']}” không đúng dạng ngày/tháng/năm"
        )
    elif day > today:
        problems.append(
            f"ngày có hiệu lực {day:%d/%m/%Y} sau hôm nay: hãy nhập việc sắp xếp vào ngày nó "
            "có hiệu lực"
        )
    decision_date = _date(row.get("decision_date", ""))
    if row.get("decision_date") and decision_date is None:
        problems.append(f"ngày quyết định “{row['decision_date']}” không đúng dạng ngày/tháng/năm")
    elif decision_date is not None and decision_date > today:
        problems.append(f"ngày quyết định {decision_date:%d/%m/%Y} sau hôm nay")
    if not row.get("decision_number"):
        problems.append("thiếu số quyết định (ví dụ 123-QĐ/TU)")
    for key, limit in LIMITS.items():
        if len(row.get(key, "")) > limit:
            problems.append(f"cột “{HEADERS[key]}” dài quá {limit} ký tự")
    old_codes = _codes(row.get("old_codes", ""))
    if not old_codes:
        problems.append("thiếu mã đơn vị cũ")
    twice = sorted({c for c in old_codes if old_codes.count(c) > 1})
    problems.extend(f"mã “{code}” được ghi hai lần" for code in twice)
    new_kind = kinds.get(row.get("new_kind", "").casefold())
    if row.get("new_kind") and new_kind is None:
        problems.append(f"loại đơn vị “{row['new_kind']}” không có trong danh mục")
    member_count = None
    if raw := row.get("member_count", ""):
        if COUNT_PATTERN.fullmatch(raw):
            member_count = int(re.sub(r"[., ]", "", raw))
        else:
            problems.append(f"{HEADERS['member_count']}: “{raw}” không phải số nguyên không âm")
    if kind is not None:
        problems.extend(_kind_problems(kind, row, old_codes))
    if problems or kind is None or day is None:
        return None, problems
    part = Part(
        line=line,
        code=row.get("new_code", ""),
        name=row.get("new_name", ""),
        short_name=row.get("new_short_name", ""),
        symbol=row.get("new_symbol", ""),
        kind=new_kind,
        parent_code=row.get("new_parent_code", ""),
        member_count=member_count,
    )
    decision = Decision(
        number=row["decision_number"], date=decision_date, body=row.get("decision_body", "")
    )
    return Planned(kind, [line], day, decision, old_codes, [part]), []


def _kind_problems(kind: str, row: dict[str, str], old_codes: list[str]) -> Iterator[str]:
    """What the row's kind requires and refuses."""
    label = Kind(kind).label.split(",")[0].lower()
    for key in HEADERS:
        if key not in COMMON | ALLOWED[kind] and row.get(key):
            yield f"{label} không dùng cột “{HEADERS[key]}”: hãy để trống"
    if kind in (Kind.SPLIT, Kind.RENAME) and len(old_codes) > 1:
        yield f"{label} chỉ ghi một mã đơn vị cũ (mỗi đơn vị một dòng)"
    if kind in (Kind.MERGE, Kind.SPLIT) and not row.get("new_code"):
        yield "thiếu mã đơn vị mới"
    if kind == Kind.SPLIT:
        if not row.get("new_name"):
            yield "thiếu tên đơn vị mới"
        if not row.get("new_kind"):
            yield "thiếu loại đơn vị mới"
    if kind == Kind.RENAME:
        if not row.get("new_name"):
            yield "thiếu tên mới"
        if row.get("new_code") and old_codes and row["new_code"] != old_codes[0]:
            yield "đổi tên không đổi mã đơn vị: để trống cột mã đơn vị mới"
    if kind == Kind.MOVE and not row.get("new_parent_code"):
        yield "thiếu mã đơn vị cấp trên mới"
    if kind == Kind.MOVE and row.get("new_parent_code") in old_codes:
        yield "đơn vị không thể trực thuộc chính nó"


def _group_splits(planned: list[Planned], errors: list[LineError]) -> list[Planned]:
    """A split's rows (same old code) become one operation at its first row."""
    grouped: list[Planned] = []
    splits: dict[str, Planned] = {}
    for op in planned:
        if op.kind != Kind.SPLIT:
            grouped.append(op)
            continue
        first = splits.get(op.old_codes[0])
        if first is None:
            splits[op.old_codes[0]] = op
            grouped.append(op)
        elif (first.day, first.decision.number) != (op.day, op.decision.number):
            errors.append(
                LineError(
                    op.line,
                    f"chia tách “{op.old_codes[0]}” đã ghi ở dòng {first.line} với ngày hoặc số "
                    "quyết định khác: các phần của một lần chia tách phải cùng ngày, cùng quyết định",
                )
            )
        else:
            first.lines.append(op.line)
            first.parts.append(op.parts[0])
    return grouped


# ---------------------------------------------------------------------------- checks on codes


@dataclass
class _Known:
    """What the rows before this one leave: codes created, ended, and the lines that did it."""

    units: dict[str, tuple[str, datetime.date | None]]  # code → (path, closed_on) in the tree
    scope: Unit
    created: dict[str, int] = field(default_factory=dict)
    created_by_bad: dict[str, int] = field(default_factory=dict)
    created_later: dict[str, int] = field(default_factory=dict)
    ended: dict[str, int] = field(default_factory=dict)

    def exists(self, code: str) -> bool:
        return code in self.units or code in self.created

    def problem(self, code: str, line: int, what: str = "đơn vị") -> str | None:
        """Why `code` cannot be used at `line` (unknown, ended, outside the scope), or None."""
        if code in self.ended:
            return f"{what} “{code}” đã kết thúc theo dòng {self.ended[code]}"
        if code in self.created:
            return None
        if code in self.units:
            path, closed_on = self.units[code]
            if closed_on is not None:
                return f"{what} “{code}” đã không còn từ ngày {closed_on:%d/%m/%Y}"
            if not path.startswith(self.scope.path):
                return f"{what} “{code}” nằm ngoài {self.scope.name}"
            return None
        if code in self.created_by_bad:
            return f"{what} “{code}” được lập ở dòng {self.created_by_bad[code]}, dòng đó có lỗi"
        if self.created_later.get(code, 0) > line:
            return (
                f"{what} “{code}” chỉ được lập ở dòng {self.created_later[code]}, "
                "sau dòng này: hãy xếp dòng lập đơn vị lên trước"
            )
        return f"không tìm thấy {what} có mã “{code}”"


def _check_codes(op: Planned, known: _Known) -> list[LineError]:
    """Codes the operation reads must exist by then, be open and lie in the scope; codes it
    creates must be new; a unit ends at most once."""
    problems: list[LineError] = []

    def check(code: str, line: int, what: str = "đơn vị") -> None:
        if (problem := known.problem(code, line, what)) is not None:
            problems.append(LineError(line, problem))

    for code in op.old_codes:
        check(code, op.line)
    for part in op.parts:
        if part.parent_code:
            check(part.parent_code, part.line, "đơn vị cấp trên")
    if op.kind == Kind.MERGE:
        part = op.parts[0]
        if known.exists(part.code) or part.code in known.ended:
            check(part.code, op.line, "đơn vị nhận")
            for key in ("name", "short_name", "symbol", "kind", "parent_code"):
                if getattr(part, key):
                    problems.append(
                        LineError(
                            op.line,
                            f"“{part.code}” là đơn vị đã có: sáp nhập vào đó không dùng tên, "
                            "loại hay cấp trên mới (đổi tên: thêm một dòng “đổi tên”)",
                        )
                    )
                    break
        elif not (part.name and part.kind):
            problems.append(LineError(op.line, f"đơn vị mới “{part.code}” cần tên và loại đơn vị"))
    if op.kind == Kind.SPLIT:
        seen: dict[str, int] = {}
        for part in op.parts:
            if known.exists(part.code) or part.code in known.ended:
                problems.append(LineError(part.line, f"mã đơn vị mới “{part.code}” đã có"))
            elif part.code in seen:
                problems.append(
                    LineError(
                        part.line, f"mã đơn vị mới “{part.code}” đã ghi ở dòng {seen[part.code]}"
                    )
                )
            seen.setdefault(part.code, part.line)
    if op.kind != Kind.RENAME and known.scope.code in op.old_codes:
        problems.append(
            LineError(
                op.line,
                f"“{known.scope.code}” là đơn vị của tệp này: trong tệp chỉ đổi tên được nó; "
                "hãy sắp xếp nó từ đơn vị cấp trên",
            )
        )
    if op.kind == Kind.CLOSE and op.parts[0].code:
        check(op.parts[0].code, op.line, "đơn vị tiếp nhận")
    return problems


def _ended(op: Planned) -> list[str]:
    if op.kind == Kind.MERGE:
        return [c for c in op.old_codes if c != op.parts[0].code]
    if op.kind in (Kind.SPLIT, Kind.CLOSE):
        return list(op.old_codes)
    return []


def _created(op: Planned, known: _Known) -> list[str]:
    if op.kind == Kind.SPLIT:
        return [p.code for p in op.parts]
    if op.kind == Kind.MERGE and not known.exists(op.parts[0].code):
        return [op.parts[0].code]
    return []


def _units_by_code(codes: set[str]) -> dict[str, tuple[str, datetime.date | None]]:
    found: dict[str, tuple[str, datetime.date | None]] = {}
    wanted = sorted(codes)
    for start in range(0, len(wanted), 2000):
        found.update(
            {
                code: (path, closed_on)
                for code, path, closed_on in Unit.objects.filter(
                    code__in=wanted[start : start + 2000]
                ).values_list("code", "path", "closed_on")
            }
        )
    return found


def plan_rows(
    *, scope: Unit, rows: list[tuple[int, dict[str, str]]], progress: Progress | None = None
) -> tuple[list[Planned], list[LineError]]:
    """The file's operations in order, and every problem the file shows before trying them."""
    progress = progress or (lambda done, total: None)
    kinds, today = _kinds(), timezone.localdate()
    errors: list[LineError] = []
    planned: list[Planned] = []
    for index, (line, row) in enumerate(rows, start=1):
        op, problems = _read_row(line, row, kinds, today)
        if op is None:
            errors.append(LineError(line, "; ".join(problems)))
        else:
            planned.append(op)
        if index % 500 == 0:
            progress(index, len(rows))
    planned = _group_splits(planned, errors)

    referenced = {c for op in planned for c in op.old_codes}
    referenced |= {v for op in planned for p in op.parts for v in (p.code, p.parent_code) if v}
    known = _Known(units=_units_by_code(referenced), scope=scope)
    for op in planned:
        for code in _created(op, known):
            known.created_later.setdefault(code, op.line)
    new_codes: dict[str, int] = {}
    for op in planned:
        op.problems = _check_codes(op, known)
        for code in _created(op, known):
            if code in new_codes:
                op.problems.append(
                    LineError(
                        op.line, f"mã đơn vị mới “{code}” đã được lập ở dòng {new_codes[code]}"
                    )
                )
            new_codes.setdefault(code, op.line)
        if op.problems:
            known.created_by_bad.update(dict.fromkeys(_created(op, known), op.line))
            continue
        known.created.update(dict.fromkeys(_created(op, known), op.line))
        for code in _ended(op):
            known.ended[code] = op.line
    progress(len(rows), len(rows))
    return planned, errors


# ---------------------------------------------------------------------------- the template


EXAMPLE_ROWS: tuple[dict[str, str], ...] = (
    {
        "kind": "hợp nhất",
        "effective_date": "01/07/2025",
        "decision_number": "1234-QĐ/TU",
        "decision_date": "20/06/2025",
        "decision_body": "Ban Thường vụ Tỉnh ủy",
        "old_codes": "XA-TAN-AN; XA-TAN-BINH",
        "new_code": "XA-TAN-MY",
        "new_name": "Đảng bộ xã Tân Mỹ",
        "new_short_name": "Đảng bộ xã Tân Mỹ",
        "new_symbol": "ĐU",
        "new_kind": "dang-bo-co-so",
        "new_parent_code": "TU",
    },
    {
        "kind": "sáp nhập",
        "effective_date": "01/07/2025",
        "decision_number": "1235-QĐ/TU",
        "old_codes": "XA-MY-PHU",
        "new_code": "XA-MY-HIEP",
    },
    {
        "kind": "chia tách",
        "effective_date": "01/07/2025",
        "decision_number": "1236-QĐ/TU",
        "old_codes": "DB-SO-VHTTDL",
        "new_code": "DB-SO-VH",
        "new_name": "Đảng bộ Sở Văn hóa, Thể thao",
        "new_kind": "Đảng bộ cơ sở",
        "member_count": "80",
    },
    {
        "kind": "chia tách",
        "effective_date": "01/07/2025",
        "decision_number": "1236-QĐ/TU",
        "old_codes": "DB-SO-VHTTDL",
        "new_code": "CB-SO-DL",
        "new_name": "Chi bộ Sở Du lịch",
        "new_kind": "Chi bộ cơ sở",
        "member_count": "25",
    },
    {
        "kind": "giải thể",
        "effective_date": "01/07/2025",
        "decision_number": "1237-QĐ/TU",
        "old_codes": "DUK-CQ",
        "new_code": "DU-CQD",
    },
    {
        "kind": "đổi tên",
        "effective_date": "01/07/2025",
        "decision_number": "1238-QĐ/TU",
        "old_codes": "TU-BTG",
        "new_name": "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "new_symbol": "BTGDVTU",
    },
    {
        "kind": "chuyển",
        "effective_date": "01/07/2025",
        "decision_number": "1239-QĐ/TU",
        "old_codes": "DB-SO-TC",
        "new_parent_code": "DU-UBND",
    },
)


def template_xlsx() -> bytes:
    """The downloadable template: the headers and one example row of each kind."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sắp xếp đơn vị"
    sheet.append([c.header for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in EXAMPLE_ROWS:
        sheet.append([row.get(c.key, "") for c in COLUMNS])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.data_type = "s"  # dates and codes stay text as written
    sheet.freeze_panes = "A2"
    for index, width in enumerate((12, 14, 14, 14, 24, 28, 16, 36, 24, 16, 20, 18, 12)):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in COLUMNS])
    for row in EXAMPLE_ROWS:
        writer.writerow([row.get(c.key, "") for c in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
