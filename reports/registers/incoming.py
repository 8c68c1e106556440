"""The incoming register (sổ văn bản đến): what a unit received, with its số đến."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Min
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Directive, DirectiveKind, DirectiveRecipient
from campaigns.selectors import handler_candidates
from units.models import Unit, User, fold_for_search

from .common import (
    INCOMING_HEADERS,
    NO_HANDLER,
    NOTE_SEPARATOR,
    chosen_year,
    folded_words,
    matches_all,
    open_years,
    typed_id,
)


@dataclass(frozen=True)
class IncomingFilters:
    """What the incoming register is narrowed to (page, .xlsx and PDF alike)."""

    year: int
    kind: str = ""
    handler: str = ""  # "" every line, NO_HANDLER those not given yet, else a user's pk
    q: str = ""

    @classmethod
    def from_query(
        cls, params: Mapping[str, str], *, today: datetime.date | None = None
    ) -> IncomingFilters:
        today = today or timezone.localdate()
        handler = (params.get("handler") or "").strip()
        return cls(
            year=chosen_year(params, today),
            kind=(params.get("kind") or "").strip(),
            handler=handler if handler == NO_HANDLER or typed_id(handler) is not None else "",
            q=(params.get("q") or "").strip(),
        )

    @property
    def narrowed(self) -> bool:
        return bool(self.kind or self.handler or self.q)


@dataclass(frozen=True, slots=True)
class IncomingRow:
    """One line of the register of documents received, in its printed columns."""

    pk: int  # the DirectiveRecipient: what "Giao xử lý" changes
    received_on: datetime.date | None  # ngày đến
    number: int  # số đến
    author: str  # tác giả: the issuing body
    symbol: str  # số và ký hiệu
    issue_date: datetime.date | None  # ngày văn bản
    kind_name: str
    kind_code: str
    subject: str  # trích yếu
    handler: str  # người hoặc đơn vị xử lý
    handler_id: int | None
    handling_due: datetime.date | None  # hạn xử lý
    note: str  # ghi chú
    url: str
    assignable: bool  # still in force: a replaced document is not handled any more
    search: str = field(repr=False)

    @property
    def cells(self) -> tuple[object, ...]:
        """The line's values under INCOMING_HEADERS."""
        return (
            self.received_on,
            self.number,
            self.author,
            self.symbol,
            self.issue_date,
            f"{self.kind_name}\n{self.subject}",
            self.handler,
            self.handling_due,
            self.note,
        )


@dataclass(frozen=True)
class IncomingRegister:
    """A unit's documents received in a year, filtered, by số đến."""

    unit: Unit
    filters: IncomingFilters
    rows: list[IncomingRow]
    total: int
    years: list[int]
    kinds: list[tuple[str, str]]
    handlers: list[tuple[int, str]]  # the office's people, and anyone a line was given to

    title = "Sổ đăng ký văn bản đến"
    headers = INCOMING_HEADERS

    @property
    def narrowed_by(self) -> list[str]:
        f = self.filters
        said = []
        if f.kind:
            said.append(f"Loại văn bản: {dict(self.kinds).get(f.kind, f.kind)}")
        if f.handler == NO_HANDLER:
            said.append("Người xử lý: chưa giao")
        elif f.handler:
            said.append(f"Người xử lý: {dict(self.handlers).get(int(f.handler), '–')}")
        if f.q:
            said.append(f"Có chữ: {f.q}")
        return said


def incoming_register(
    unit: Unit, filters: IncomingFilters, *, today: datetime.date | None = None
) -> IncomingRegister:
    """The register of documents received by `unit` in the filters' year (every recipient row
    given a số đến), narrowed by them, in số đến order. Four queries, whatever the year holds."""
    today = today or timezone.localdate()
    received = (
        DirectiveRecipient.objects.filter(
            unit=unit, incoming_year=filters.year, incoming_number__isnull=False
        )
        .select_related("directive__kind", "handler")
        .only(
            "incoming_number",
            "received_on",
            "handling_due",
            "register_note",
            "handler",
            "directive__symbol",
            "directive__issue_date",
            "directive__issuer_name",
            "directive__subject",
            "directive__status",
            "directive__origin",
            "directive__kind__code",
            "directive__kind__name",
            "handler__full_name",
            "handler__first_name",
            "handler__last_name",
            "handler__username",
        )
        .order_by("incoming_number")
    )
    lines = [_incoming_row(row) for row in received]
    words = folded_words(filters.q)
    rows = [
        row
        for row in lines
        if (not filters.kind or row.kind_code == filters.kind)
        and _handled_by(row, filters.handler)
        and matches_all(words, row.search)
    ]
    people = {user.pk: user.get_full_name() for user in handler_candidates(unit)}
    for row in lines:  # someone who has left the office still holds the lines given to them
        if row.handler_id is not None:
            people.setdefault(row.handler_id, row.handler)
    first = DirectiveRecipient.objects.filter(unit=unit, incoming_number__isnull=False).aggregate(
        first=Min("incoming_year")
    )["first"]
    return IncomingRegister(
        unit=unit,
        filters=filters,
        rows=rows,
        total=len(lines),
        years=open_years(first, filters.year, today),
        kinds=list(
            DirectiveKind.objects.order_by("sort_order", "code").values_list("code", "name")
        ),
        handlers=sorted(people.items(), key=lambda item: fold_for_search(item[1])),
    )


def _handled_by(row: IncomingRow, handler: str) -> bool:
    if not handler:
        return True
    if handler == NO_HANDLER:
        return row.handler_id is None
    return str(row.handler_id) == handler


def _incoming_row(row: DirectiveRecipient) -> IncomingRow:
    directive = row.directive
    handler: User | None = row.handler
    notes = [row.register_note] if row.register_note else []
    if directive.status == Directive.Status.REPLACED:
        notes.append("Văn bản đã được thay thế")
    if directive.is_imported:
        notes.append("Nhập từ tệp")
    note = NOTE_SEPARATOR.join(notes)
    name = handler.get_full_name() if handler is not None else ""
    searched = (
        directive.issuer_name,
        directive.symbol,
        directive.kind.name,
        directive.subject,
        name,
        note,
    )
    return IncomingRow(
        pk=row.pk,
        received_on=row.received_on,
        number=row.incoming_number or 0,
        author=directive.issuer_name,
        symbol=directive.symbol,
        issue_date=directive.issue_date,
        kind_name=directive.kind.name,
        kind_code=directive.kind.code,
        subject=directive.subject,
        handler=name,
        handler_id=row.handler_id,
        handling_due=row.handling_due,
        note=note,
        url=reverse("campaigns:directive_detail", args=[directive.pk]),
        assignable=directive.status == Directive.Status.ISSUED,
        search=fold_for_search(" ".join(searched)),
    )
