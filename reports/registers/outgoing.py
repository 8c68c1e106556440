"""The outgoing register (sổ văn bản đi): a unit's directives and its numbered reports."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import F, Min, OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Directive, DirectiveKind, DirectiveRecipient
from campaigns.selectors import recipient_lines
from reports.documents.context import report_subject
from reports.models import ProgressReport
from units.models import Unit, fold_for_search

from .common import (
    ISSUED,
    NOTE_SEPARATOR,
    OUTGOING_HEADERS,
    chosen_year,
    folded_words,
    matches_all,
    open_years,
    typed_id,
    year_bounds,
)


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
            year=chosen_year(params, today),
            kind=(params.get("kind") or "").strip(),
            campaign=typed_id(campaign),
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
    start, end = year_bounds(year)
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
    words, signer = folded_words(filters.q), folded_words(filters.signer)
    rows = [
        row
        for row in lines
        if (not filters.kind or row.kind_code == filters.kind)
        and (filters.campaign is None or row.campaign_id == filters.campaign)
        and matches_all(signer, fold_for_search(row.signer))
        and matches_all(words, row.search)
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
        years=open_years(min(firsts, default=None), year, today),
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
