"""A unit's office registers for a year: documents sent (sổ văn bản đi: its directives and its
numbered reports) and documents received (sổ văn bản đến), as the page, the .xlsx and the PDF
list them.

A register is one unit's year (a few hundred lines, a few thousand at most), so each is read in
a fixed number of queries and filtered in Python: the tone-insensitive text match
(`fold_for_search`) is then the same on SQLite and PostgreSQL, and the page, its .xlsx and its
PDF list exactly the same lines.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import F, Min, OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Directive, DirectiveKind, DirectiveRecipient
from campaigns.selectors import handler_candidates, recipient_lines
from reports.documents.context import report_subject
from reports.models import ProgressReport
from units.models import Unit, User, fold_for_search

__all__ = [
    "INCOMING_HEADERS",
    "NO_HANDLER",
    "OUTGOING_HEADERS",
    "PER_PAGE",
    "IncomingFilters",
    "IncomingRegister",
    "IncomingRow",
    "OutgoingFilters",
    "OutgoingRegister",
    "OutgoingRow",
    "incoming_register",
    "outgoing_register",
]

PER_PAGE = 50
# The printed columns, in order: the page, the .xlsx and the PDF head their tables with these.
OUTGOING_HEADERS = (
    "Số và ký hiệu",
    "Ngày",
    "Tên loại và trích yếu",
    "Người ký",
    "Nơi nhận",
    "Số bản",
    "Ghi chú",
)
INCOMING_HEADERS = (
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số và ký hiệu",
    "Ngày văn bản",
    "Trích yếu",
    "Người hoặc đơn vị xử lý",
    "Hạn xử lý",
    "Ghi chú",
)
NO_HANDLER = "none"  # the handler filter's value for lines nobody was given yet
ISSUED = (Directive.Status.ISSUED, Directive.Status.REPLACED)
NOTE_SEPARATOR = "; "


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The local year as aware datetimes [1 January, next 1 January): indexable on a timestamp."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=zone)


def _id(raw: str) -> int | None:
    """A row id typed into a query string, or None for anything else (however long)."""
    return int(raw) if raw.isdigit() and len(raw) <= 18 else None


def _year(params: Mapping[str, str], today: datetime.date) -> int:
    year = _id((params.get("year") or "").strip()) or today.year
    return year if 1900 <= year <= today.year + 1 else today.year


def _words(text: str) -> list[str]:
    return fold_for_search(text).split()


def _matches(words: list[str], folded: str) -> bool:
    """Every word typed appears in the line, tone marks and case aside."""
    return all(word in folded for word in words)


def _years(first: int | None, chosen: int, today: datetime.date) -> list[int]:
    """The years a register may be opened at, newest first: from its first line to this year."""
    oldest = min(first or today.year, chosen, today.year)
    return list(range(max(today.year, chosen), oldest - 1, -1))


# ---------------------------------------------------------------------------- documents sent


@dataclass(frozen=True)
class OutgoingFilters:
    """What the outgoing register is narrowed to; the page, its .xlsx and its PDF read the same
    query string."""

    year: int
    kind: str = ""  # a DirectiveKind code; "BC" also lists the numbered reports
    campaign: int | None = None
    signer: str = ""
    q: str = ""

    @classmethod
    def from_query(
        cls, params: Mapping[str, str], *, today: datetime.date | None = None
    ) -> OutgoingFilters:
        today = today or timezone.localdate()
        campaign = (params.get("campaign") or "").strip()
        return cls(
            year=_year(params, today),
            kind=(params.get("kind") or "").strip(),
            campaign=_id(campaign),
            signer=(params.get("signer") or "").strip(),
            q=(params.get("q") or "").strip(),
        )

    @property
    def narrowed(self) -> bool:
        """Whether anything besides the year narrows the list."""
        return bool(self.kind or self.campaign or self.signer or self.q)


@dataclass(frozen=True, slots=True)
class OutgoingRow:
    """One line of the register of documents sent, in its printed columns."""

    symbol: str  # số và ký hiệu: "32-HD/BTGĐUK"
    date: datetime.date  # ngày
    kind_name: str  # tên loại
    subject: str  # trích yếu
    signer: str  # người ký
    recipients: str  # nơi nhận, the printed lines joined
    copies: int | None  # số bản: one per "Nơi nhận" line
    note: str  # ghi chú
    url: str
    number: int | None
    kind_code: str
    campaign_id: int
    is_report: bool
    search: str = field(repr=False)  # the line folded for the text filter

    @property
    def cells(self) -> tuple[object, ...]:
        """The line's values under OUTGOING_HEADERS: dates as dates, the kind over the subject."""
        title = f"{self.kind_name}\n{self.subject}"
        return (
            self.symbol,
            self.date,
            title,
            self.signer,
            self.recipients,
            self.copies,
            self.note,
        )


@dataclass(frozen=True)
class OutgoingRegister:
    """A unit's documents sent in a year, filtered, in register order (date, then number)."""

    unit: Unit
    filters: OutgoingFilters
    rows: list[OutgoingRow]
    total: int  # lines of the year before the filters
    years: list[int]
    kinds: list[tuple[str, str]]  # (code, name) of every document kind
    campaigns: list[tuple[int, str]]  # the campaigns of the year's lines

    title = "Sổ đăng ký văn bản đi"
    headers = OUTGOING_HEADERS

    @property
    def narrowed_by(self) -> list[str]:
        """The filters in words, for the page, the .xlsx and the PDF: "Loại: Hướng dẫn"."""
        f = self.filters
        said = []
        if f.kind:
            said.append(f"Loại văn bản: {dict(self.kinds).get(f.kind, f.kind)}")
        if f.campaign is not None:
            said.append(f"Đợt sinh hoạt: {dict(self.campaigns).get(f.campaign, '–')}")
        if f.signer:
            said.append(f"Người ký: {f.signer}")
        if f.q:
            said.append(f"Có chữ: {f.q}")
        return said


def _directive_rows(unit: Unit, year: int) -> list[OutgoingRow]:
    """What the unit issued in the year: written in the portal and issued (replaced ones too),
    and its own documents imported from a file, which hold numbers of its sequence."""
    replacement = (
        Directive.objects.filter(replaces=OuterRef("pk"))
        .exclude(status=Directive.Status.DRAFT)
        .order_by("issue_date", "pk")
        .values("symbol")[:1]
    )
    # The printed "Nơi nhận" falls back to the recipient units when the author wrote no lines:
    # only those directives need their recipients' names.
    unlisted = DirectiveRecipient.objects.filter(directive__recipient_lines="").only(
        "directive", "unit_name"
    )
    directives = (
        Directive.objects.filter(
            issuer=unit,
            status__in=ISSUED,
            issue_date__gte=datetime.date(year, 1, 1),
            issue_date__lte=datetime.date(year, 12, 31),
        )
        .select_related("kind")
        .only(
            "number",
            "symbol",
            "issue_date",
            "subject",
            "signer_name",
            "recipient_lines",
            "issuing_body",
            "status",
            "origin",
            "campaign",
            "kind__code",
            "kind__name",
        )
        .annotate(replaced_by=Subquery(replacement), replaced=F("replaces__symbol"))
        .prefetch_related(Prefetch("recipients", queryset=unlisted.order_by("unit__path")))
    )
    rows = []
    for d in directives:
        lines = recipient_lines(d, list(d.recipients.all()))
        notes = []
        if d.replaced:
            notes.append(f"Thay thế văn bản số {d.replaced}")
        if d.status == Directive.Status.REPLACED:
            notes.append(
                f"Đã được thay thế bằng văn bản số {d.replaced_by}"
                if d.replaced_by
                else "Đã được thay thế"
            )
        if d.is_imported:
            notes.append("Nhập từ tệp")
        rows.append(
            _outgoing_row(
                symbol=d.symbol,
                date=d.issue_date,
                kind_name=d.kind.name,
                subject=d.subject,
                signer=d.signer_name,
                recipients=NOTE_SEPARATOR.join(line.rstrip(",;.") for line in lines),
                copies=len(lines) or None,
                note=NOTE_SEPARATOR.join(notes),
                url=reverse("campaigns:directive_detail", args=[d.pk]),
                number=d.number,
                kind_code=d.kind.code,
                campaign_id=d.campaign_id,
                is_report=False,
            )
        )
    return rows


def _report_rows(unit: Unit, year: int) -> list[OutgoingRow]:
    """The unit's reports numbered in the year: a report takes its number at its first
    submission and keeps it when returned and sent again, so that is its line's date."""
    start, end = _year_bounds(year)
    reports = (
        ProgressReport.objects.filter(
            unit=unit,
            number__isnull=False,
            first_submitted_at__gte=start,
            first_submitted_at__lt=end,
        )
        .select_related("submitted_by", "obligation__directive__kind")
        .only(
            "number",
            "symbol",
            "status",
            "first_submitted_at",
            "submitted_at",
            "sent_on",
            "sent_channel",
            "campaign",
            "submitted_by__full_name",
            "submitted_by__first_name",
            "submitted_by__last_name",
            "submitted_by__username",
            "obligation__directive__symbol",
            "obligation__directive__issuer_name",
            "obligation__directive__kind__name",
        )
    )
    rows = []
    for report in reports:
        directive = report.obligation.directive
        first = timezone.localdate(report.first_submitted_at)
        notes = []
        if report.status == ProgressReport.Status.SENT:
            sent_on = report.sent_on or first
            notes.append(f"Gửi qua {report.get_sent_channel_display()} ngày {sent_on:%d/%m/%Y}")
        elif report.status == ProgressReport.Status.RETURNED:
            notes.append("Bị trả lại, đang sửa")
        if report.submitted_at and timezone.localdate(report.submitted_at) != first:
            notes.append(f"Gửi lại ngày {timezone.localdate(report.submitted_at):%d/%m/%Y}")
        sender = report.submitted_by
        rows.append(
            _outgoing_row(
                symbol=report.symbol,
                date=first,
                kind_name="Báo cáo",
                subject=report_subject(
                    directive.kind.name, directive.symbol, directive.issuer_name
                ),
                signer=sender.get_full_name() if sender is not None else "",
                # As printed: the issuer reported to, and the unit's own copy.
                recipients=NOTE_SEPARATOR.join((directive.issuer_name, "Lưu")),
                copies=2,
                note=NOTE_SEPARATOR.join(notes),
                url=reverse("reports:report_detail", args=[report.pk]),
                number=report.number,
                kind_code="BC",
                campaign_id=report.campaign_id,
                is_report=True,
            )
        )
    return rows


def _outgoing_row(**values) -> OutgoingRow:
    searched = (
        values["symbol"],
        values["kind_name"],
        values["subject"],
        values["signer"],
        values["recipients"],
        values["note"],
    )
    return OutgoingRow(**values, search=fold_for_search(" ".join(searched)))


def outgoing_register(
    unit: Unit, filters: OutgoingFilters, *, today: datetime.date | None = None
) -> OutgoingRegister:
    """The register of documents sent by `unit` in the filters' year, narrowed by them: every
    document it issued in the portal (and its own imported from a file) and every report it
    numbered, sorted by date then number. Seven queries, whatever the year holds."""
    today = today or timezone.localdate()
    year = filters.year
    lines = _directive_rows(unit, year) + _report_rows(unit, year)
    lines.sort(key=lambda r: (r.date, r.number is None, r.number or 0, r.is_report, r.symbol))

    campaign_ids = {row.campaign_id for row in lines}
    campaigns = _campaign_titles(campaign_ids)
    words, signer = _words(filters.q), _words(filters.signer)
    rows = [
        row
        for row in lines
        if (not filters.kind or row.kind_code == filters.kind)
        and (filters.campaign is None or row.campaign_id == filters.campaign)
        and _matches(signer, fold_for_search(row.signer))
        and _matches(words, row.search)
    ]
    first_directive = Directive.objects.filter(issuer=unit, status__in=ISSUED).aggregate(
        first=Min("issue_date")
    )["first"]
    first_report = ProgressReport.objects.filter(unit=unit, number__isnull=False).aggregate(
        first=Min("first_submitted_at")
    )["first"]
    firsts = [first_directive.year] if first_directive else []
    if first_report:
        firsts.append(timezone.localdate(first_report).year)
    return OutgoingRegister(
        unit=unit,
        filters=filters,
        rows=rows,
        total=len(lines),
        years=_years(min(firsts, default=None), year, today),
        kinds=list(
            DirectiveKind.objects.order_by("sort_order", "code").values_list("code", "name")
        ),
        campaigns=campaigns,
    )


def _campaign_titles(ids: Iterable[int]) -> list[tuple[int, str]]:
    return list(
        Campaign.objects.filter(pk__in=list(ids))
        .order_by("-start_date", "title")
        .values_list("pk", "title")
    )


# ---------------------------------------------------------------------------- documents received


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
            year=_year(params, today),
            kind=(params.get("kind") or "").strip(),
            handler=handler if handler == NO_HANDLER or _id(handler) is not None else "",
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
    words = _words(filters.q)
    rows = [
        row
        for row in lines
        if (not filters.kind or row.kind_code == filters.kind)
        and _handled_by(row, filters.handler)
        and _matches(words, row.search)
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
        years=_years(first, filters.year, today),
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
