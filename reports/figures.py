"""Every figure of a campaign over a subtree, defined once: dashboards, reports, PDFs and exports
all read them from here.

Definitions (for a campaign and the subtree of a unit):

- expected units: units sent an issued directive of the campaign that asks for study sessions,
  as frozen on the recipient rows at issue. A unit created later is never expected; a unit
  merged or deactivated later stays expected (and shows as not done).
- organised: expected units that logged at least one session of the campaign.
- members: the member counts of the expected units, as frozen at issue.
- participants: per expected unit, the most members present at one of its sessions (never more
  than its frozen member count); summed. So no rate can pass 100 %.
- sessions (by form), written reflections, propaganda items (by kind): everything logged in the
  subtree for the campaign.
- plans: implementing obligations of the subtree, and how many are fulfilled.
- reports: report obligations of the subtree (optionally of one milestone): on time (first
  submitted on or before the deadline), late (after it), missing (deadline passed, nothing
  submitted), pending (not yet due, nothing submitted).

Grouping is by the current tree (a unit moved later counts under its new parent, with both its
expected and done figures). Each rollup runs a fixed number of queries, whatever the subtree.

FIGURES, at the end, names each figure once for people: its label, how its value is written and
which outputs show it (the web figures table, the printed report, the Excel export).
"""

from __future__ import annotations

import datetime
import enum
import zoneinfo
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Max, Q, Sum, TextChoices
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from campaigns.models import Campaign, Directive, Milestone, Obligation
from reports.models import DELIVERED, ProgressReport, PropagandaItem, StudySession
from units.models import Unit


@dataclass
class Figures:
    """The figures of one subtree (or of one unit's own doings)."""

    expected_units: int = 0
    organised_units: int = 0
    members: int = 0
    participants: int = 0
    sessions: int = 0
    reflections: int = 0
    sessions_by_form: dict[str, int] = field(default_factory=dict)
    propaganda: int = 0
    propaganda_by_kind: dict[str, int] = field(default_factory=dict)
    plans_expected: int = 0
    plans_issued: int = 0
    reports_expected: int = 0
    reports_on_time: int = 0
    reports_late: int = 0
    reports_missing: int = 0
    reports_pending: int = 0

    def __add__(self, other: Figures) -> Figures:
        result = Figures()
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, dict):
                merged = dict(mine)
                for key, value in theirs.items():
                    merged[key] = merged.get(key, 0) + value
                setattr(result, f.name, merged)
            else:
                setattr(result, f.name, mine + theirs)
        return result

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def organised_rate(self) -> float | None:
        """Share of expected units that held sessions, in percent (None when none expected)."""
        return self._rate(self.organised_units, self.expected_units)

    @property
    def participation_rate(self) -> float | None:
        return self._rate(self.participants, self.members)

    @property
    def plans_rate(self) -> float | None:
        return self._rate(self.plans_issued, self.plans_expected)

    @property
    def reports_submitted(self) -> int:
        return self.reports_on_time + self.reports_late

    @property
    def reports_overdue(self) -> bool:
        return self.reports_missing > 0

    def as_dict(self) -> dict:
        """Plain data (for the report's frozen copy and exports), rates included."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(
            organised_rate=self.organised_rate,
            participation_rate=self.participation_rate,
            plans_rate=self.plans_rate,
            reports_submitted=self.reports_submitted,
        )
        return data


@dataclass
class Row:
    unit: Unit
    figures: Figures


@dataclass
class Rollup:
    """A unit's figures: its own, per child subtree, and the total of both."""

    unit: Unit
    own: Figures
    children: list[Row]

    @cached_property  # read by every column of the export and by the page: summed once
    def total(self) -> Figures:
        total = self.own
        for row in self.children:
            total = total + row.figures
        return total


def _local_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def rollup(
    campaign: Campaign,
    unit: Unit,
    *,
    milestone: Milestone | None = None,
    due_by: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Rollup:
    """The campaign's figures over `unit`'s subtree, per direct child: six queries in all.

    Reports count those of one milestone, or (`due_by`) every report due by that day: a
    committee's report covers its cells' reports, owed under its own plan's deadlines.
    """
    today = today or timezone.localdate()
    children = list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        .select_related("kind")
        .order_by("path")
    )
    width = len(unit.path) + Unit.steplen
    groups: dict[str, Figures] = defaultdict(Figures)  # child path (or unit path) → figures

    def key(path: str) -> str:
        return path[:width]

    issued = Q(directive__campaign=campaign, directive__status=Directive.Status.ISSUED)
    in_subtree = Q(unit__path__startswith=unit.path)

    # Expected units, with their frozen member counts (a unit may have several recipient rows).
    expected: dict[int, tuple[str, int]] = {}
    for row in (
        Obligation.objects.filter(
            issued,
            kind=Obligation.Kind.SESSIONS,
            recipient__unit__path__startswith=unit.path,
        )
        .values("recipient__unit_id", "recipient__unit__path")
        .annotate(members=Max("recipient__member_count"))
        .order_by()
    ):
        expected[row["recipient__unit_id"]] = (row["recipient__unit__path"], row["members"])
    for path, members in expected.values():
        figures = groups[key(path)]
        figures.expected_units += 1
        figures.members += members

    # Sessions per unit: how many, the best attendance, reflections.
    sessions = StudySession.objects.filter(in_subtree, campaign=campaign)
    for row in (
        sessions.values("unit_id", "unit__path")
        .annotate(n=Count("pk"), best=Max("members_present"), reflections=Sum("reflections"))
        .order_by()
    ):
        figures = groups[key(row["unit__path"])]
        figures.sessions += row["n"]
        figures.reflections += row["reflections"] or 0
        if row["unit_id"] in expected:
            figures.organised_units += 1
            figures.participants += min(row["best"] or 0, expected[row["unit_id"]][1])
    for row in (
        sessions.annotate(group=Substr("unit__path", 1, width))
        .values("group", "form")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_form = groups[row["group"]].sessions_by_form
        by_form[row["form"]] = by_form.get(row["form"], 0) + row["n"]

    for row in (
        PropagandaItem.objects.filter(in_subtree, campaign=campaign)
        .annotate(group=Substr("unit__path", 1, width))
        .values("group", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        figures = groups[row["group"]]
        figures.propaganda += row["n"]
        figures.propaganda_by_kind[row["kind"]] = row["n"]

    # Plans and reports owed, with what was done about them.
    submitted = [*DELIVERED, ProgressReport.Status.RETURNED]
    first_day = TruncDate("report__first_submitted_at", tzinfo=_local_tz())
    owed = Obligation.objects.filter(issued, recipient__unit__path__startswith=unit.path)
    report_filter = Q(kind=Obligation.Kind.REPORT)
    if milestone is not None:
        report_filter &= Q(milestone=milestone)
    if due_by is not None:
        report_filter &= Q(due_date__lte=due_by)
    for row in (
        owed.filter(Q(kind=Obligation.Kind.IMPLEMENTING) | report_filter)
        .annotate(group=Substr("recipient__unit__path", 1, width), first_day=first_day)
        .values("group", "kind")
        .annotate(
            n=Count("pk"),
            fulfilled=Count("pk", filter=Q(fulfilled_at__isnull=False)),
            on_time=Count(
                "pk",
                filter=Q(report__status__in=submitted, first_day__lte=F("due_date")),
            ),
            late=Count("pk", filter=Q(report__status__in=submitted, first_day__gt=F("due_date"))),
            missing=Count(
                "pk",
                filter=~Q(report__status__in=submitted) & Q(due_date__lt=today),
            ),
        )
        .order_by()
    ):
        figures = groups[row["group"]]
        if row["kind"] == Obligation.Kind.IMPLEMENTING:
            figures.plans_expected += row["n"]
            figures.plans_issued += row["fulfilled"]
        else:
            figures.reports_expected += row["n"]
            figures.reports_on_time += row["on_time"]
            figures.reports_late += row["late"]
            figures.reports_missing += row["missing"]
            figures.reports_pending += row["n"] - row["on_time"] - row["late"] - row["missing"]

    return Rollup(
        unit=unit,
        own=groups.get(unit.path, Figures()),
        children=[Row(unit=child, figures=groups.get(child.path, Figures())) for child in children],
    )


# ---------------------------------------------------------------------------- how they are shown


class Output(enum.Flag):
    """An output that shows figures."""

    WEB = enum.auto()  # the figures table of the unit's work page and the report's pages
    PDF = enum.auto()  # the results table of the printed report
    XLSX = enum.auto()  # the dashboard's export: a column per figure, three per ratio
    ALL = WEB | PDF | XLSX


class Format(enum.Enum):
    """How a figure's value is written."""

    COUNT = "count"  # "5"
    RATIO = "ratio"  # "3/4": done of owed, with its rate beside it ("75")


@dataclass(frozen=True, slots=True)
class FigureDef:
    """One figure as people read it, labelled the same on every output that shows it."""

    key: str  # the Figures field shown; for a ratio, the part done
    label: str
    format: Format = Format.COUNT
    whole: str = ""  # a ratio's owed: the field it is out of
    rate: str = ""  # a ratio's rate in percent, None when nothing is owed
    columns: tuple[str, str] = ("", "")  # a ratio's export headers under its label: owed, done
    by_kind: str = ""  # counts per kind, which the printed report lists under the figure
    kinds: type[TextChoices] | None = None  # the kinds' names, in the order they are listed
    detail: bool = False  # a line under the figure above it, not numbered
    printed_if: str = ""  # the printed report leaves the line out while this field is zero
    shown: Output = Output.ALL


RATE_HEADER = "Tỷ lệ (%)"
_REPORTS_DUE = "reports_expected"

FIGURES: tuple[FigureDef, ...] = (
    FigureDef(
        "organised_units",
        "Đơn vị đã tổ chức sinh hoạt / đơn vị phải thực hiện",
        Format.RATIO,
        whole="expected_units",
        rate="organised_rate",
        columns=("Phải thực hiện", "Đã sinh hoạt"),
    ),
    FigureDef(
        "participants",
        "Đảng viên tham gia / tổng số đảng viên",
        Format.RATIO,
        whole="members",
        rate="participation_rate",
        columns=("Tổng số", "Tham gia"),
    ),
    FigureDef("sessions", "Số buổi sinh hoạt", by_kind="sessions_by_form", kinds=StudySession.Form),
    FigureDef("reflections", "Bài thu hoạch"),
    FigureDef(
        "propaganda",
        "Tin, bài tuyên truyền",
        by_kind="propaganda_by_kind",
        kinds=PropagandaItem.Kind,
    ),
    FigureDef(
        "plans_issued",
        "Văn bản thực hiện đã ban hành / phải ban hành",
        Format.RATIO,
        whole="plans_expected",
        rate="plans_rate",
        columns=("Phải ban hành", "Đã ban hành"),
        printed_if="plans_expected",
    ),
    FigureDef(_REPORTS_DUE, "Báo cáo của đơn vị trực thuộc phải gửi", printed_if=_REPORTS_DUE),
    FigureDef("reports_on_time", "Đúng hạn", detail=True, printed_if=_REPORTS_DUE),
    FigureDef("reports_late", "Trễ hạn", detail=True, printed_if=_REPORTS_DUE),
    FigureDef("reports_missing", "Quá hạn chưa gửi", detail=True, printed_if=_REPORTS_DUE),
    FigureDef("reports_pending", "Chưa đến hạn", detail=True, printed_if=_REPORTS_DUE),
)


def figures_for(output: Output) -> tuple[FigureDef, ...]:
    """The figures an output shows, in their order."""
    return tuple(figure for figure in FIGURES if output in figure.shown)


def figure_value(figures: Figures | Mapping[str, Any], name: str) -> Any:
    """A figure of a Figures object or of its as_dict copy (a report's frozen figures, which
    may predate a figure: None then)."""
    if isinstance(figures, Mapping):
        return figures.get(name)
    return getattr(figures, name, None)
