"""Every figure of a campaign over a subtree, defined once: dashboards, reports, PDFs and exports
all read them from here.

Definitions (for a campaign and the subtree of a unit):

- expected units: units sent an issued directive of the campaign that asks for study sessions,
  as frozen on the recipient rows at issue. A unit created later is never expected; a unit
  merged, split or dissolved later stays expected: what it was asked to do is still counted for
  it, and what its successor did for it counts as done (below).
- organised: expected units that logged at least one session of the campaign, or whose
  sessions were handed over to a successor (a merger, split or closure: `Obligation.unit`,
  from `handed_over_on`) that held one on or after that day.
- members: the member counts of the expected units, as frozen at issue.
- participants: per expected unit, the most members present at one of its sessions (never more
  than its frozen member count); summed. A successor's best attendance after the hand-over is
  shared out over the units it answers for, its own first, then its predecessors in tree
  order, each up to its frozen member count: the sum never passes what was present, so no rate
  can pass 100 %, and the share does not depend on which subtree is viewed.
- sessions (by form), written reflections, propaganda items (by kind): everything logged in the
  subtree for the campaign.
- plans: implementing obligations of the subtree, and how many are fulfilled.
- reports: report obligations of the subtree (optionally of one milestone): on time (first
  submitted on or before the deadline), late (after it), missing (deadline passed, nothing
  submitted), pending (not yet due, nothing submitted).
- a plan or report merged into a successor's own (`Obligation.merged_into`: the successor owed
  the same) counts with that one's state: fulfilled when it is, submitted when and as it was.

Grouping is by the current tree: a unit moved later counts under its new parent, with both its
expected and done figures; a unit merged away now stands, closed, under its successor, so the
successor's row holds its predecessors' figures and the drill-down lists each of them. A closed
child with no figures at all (closed before the campaign) is left out of the rows.

`as_of` shows a past day: the tree as it was (each unit's path on that day, from
UnitPathRecord), only the units that existed then, and only what had happened by then:
directives issued (by the date they bear), sessions held, propaganda published, reports first
submitted, plans issued, hand-overs made; deadlines are judged on that day.

Each rollup runs a fixed number of queries, whatever the subtree.

FIGURES, at the end, names each figure once for people: its label, how its value is written and
which outputs show it (the web figures table, the printed report, the Excel export).
"""

from __future__ import annotations

import datetime
import enum
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    F,
    Max,
    Q,
    QuerySet,
    Sum,
    TextChoices,
)
from django.db.models.functions import Coalesce, Length, Substr, TruncDate
from django.utils import timezone

from campaigns.models import Campaign, Directive, Milestone, Obligation
from reports.models import DELIVERED, ProgressReport, PropagandaItem, StudySession
from units.models import Lineage, Unit, UnitNameRecord, UnitPathRecord
from units.selectors import unit_path_on, unit_path_then


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


@dataclass(frozen=True)
class Ending:
    """How a child unit ended (on or before the day shown): the row says so beside its name."""

    day: datetime.date  # its first day without it
    kind: str  # units.models.Reorganisation.Kind (merge, split, close); "" when not recorded
    successor: Unit | None  # the unit that took over its work


@dataclass
class Row:
    unit: Unit
    figures: Figures
    ended: Ending | None = None  # the unit no longer existed (now, or on the day shown)

    @property
    def closed(self) -> bool:
        return self.ended is not None


@dataclass
class Rollup:
    """A unit's figures: its own, per child subtree, and the total of both."""

    unit: Unit
    own: Figures
    children: list[Row]
    as_of: datetime.date | None = None  # the day shown; None: now
    path: str = ""  # the unit's path on that day: where its subtree stood

    @cached_property  # read by every column of the export and by the page: summed once
    def total(self) -> Figures:
        total = self.own
        for row in self.children:
            total = total + row.figures
        return total


def _local_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# ---------------------------------------------------------------------------- the tree on a day


@dataclass(frozen=True)
class UnitName:
    """The name a unit bore on a day."""

    name: str
    short_name: str = ""

    @property
    def display_short_name(self) -> str:
        return self.short_name or self.name

    def __str__(self) -> str:
        return self.name


def names_on(units: Iterable[Unit], day: datetime.date) -> dict[int, UnitName]:
    """Each unit's name on `day`, by pk: the earlier name it bore then (UnitNameRecord), or its
    current one (used since `name_since`, or always). One query, none when no unit was renamed
    after the day."""
    units = list(units)
    names = {unit.pk: UnitName(unit.name, unit.short_name) for unit in units}
    renamed = [unit.pk for unit in units if unit.name_since is not None and unit.name_since > day]
    if renamed:
        for record in (
            UnitNameRecord.objects.filter(unit_id__in=renamed, valid_until__gte=day)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            .order_by("-valid_until", "-pk")  # the last one written wins: the earliest ending
        ):
            names[record.unit_id] = UnitName(record.name, record.short_name)
    return names


@dataclass(frozen=True)
class _Tree:
    """The subtree a rollup reads: the current tree, or (`day`) the tree as it was that day."""

    path: str  # the viewed unit's path (on `day`)
    depth: int
    day: datetime.date | None

    @property
    def width(self) -> int:
        """Length of a child's path: what rows group by."""
        return len(self.path) + Unit.steplen

    def within(self, queryset: QuerySet, field: str) -> QuerySet:
        """`queryset` restricted to the subtree by the unit at `field` (see `rows`), annotated
        with `group`: the path of the child row (or of the viewed unit) the unit counts under."""
        if self.day is None:
            return queryset.filter(**{f"{field}__path__startswith": self.path}).annotate(
                group=Substr(f"{field}__path", 1, self.width)
            )
        # Units now in the subtree or recorded in it then: rows of others that slip through
        # (now here, elsewhere on the day) group outside it, and `rows` leaves them out. The
        # day's path is computed once per row that way, not again in a filter.
        return queryset.filter(self.candidates(field)).annotate(
            group=Substr(unit_path_on(self.day, field), 1, self.width)
        )

    def rows(self, queryset: QuerySet) -> Iterator[dict[str, Any]]:
        """The grouped rows of a `within` queryset, for units that stood in the subtree."""
        for row in queryset:
            if self.day is None or row["group"].startswith(self.path):
                yield row

    def candidates(self, field: str = "") -> Q:
        """Units that may have stood in the subtree on `day` (in it now, or recorded in it then):
        a filter the indexes serve before the exact path of that day is computed."""
        prefix = f"{field}__" if field else ""
        recorded = UnitPathRecord.objects.filter(
            path__startswith=self.path, valid_until__gte=self.day
        ).values("unit_id")
        return Q(**{f"{prefix}path__startswith": self.path}) | Q(**{f"{prefix}pk__in": recorded})

    def children(self) -> list[tuple[Unit, str]]:
        """The units one level under the viewed one, with their paths: now, or on the day
        (those opened by then)."""
        if self.day is None:
            return [
                (child, child.path)
                for child in Unit.objects.filter(path__startswith=self.path, depth=self.depth + 1)
                .select_related("kind")
                .order_by("path")
            ]
        found = (
            Unit.objects.filter(self.candidates())
            .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=self.day))
            .annotate(path_then=unit_path_on(self.day))
            .annotate(length_then=Length("path_then"))
            .filter(path_then__startswith=self.path, length_then=self.width)
            .select_related("kind")
        )
        # A path freed by a move and given later to a unit without an opening date is read
        # once, for the unit that held it on the day (its recorded path says so).
        children: dict[str, Unit] = {}
        for child in sorted(found, key=lambda u: (u.path_then, u.path == u.path_then, u.pk)):
            children.setdefault(child.path_then, child)
        return [(child, path) for path, child in children.items()]

    def closed(self, unit: Unit) -> bool:
        """Whether the unit no longer existed (on the day shown)."""
        if unit.closed_on is None:
            return False
        return self.day is None or unit.closed_on <= self.day


# ---------------------------------------------------------------------------- the rollup


def rollup(
    campaign: Campaign,
    unit: Unit,
    *,
    milestone: Milestone | None = None,
    due_by: datetime.date | None = None,
    today: datetime.date | None = None,
    as_of: datetime.date | None = None,
) -> Rollup:
    """The campaign's figures over `unit`'s subtree, per direct child: six queries, two more
    when work was handed over, one more when a child has closed, one more for a past day.

    Reports count those of one milestone, or (`due_by`) every report due by that day: a
    committee's report covers its cells' reports, owed under its own plan's deadlines.
    `as_of`: the tree and figures as they were that day (`unit` is a current unit; its subtree
    then is every unit whose path then started with its path then); deadlines are judged on
    that day.
    """
    if as_of is not None:
        today = as_of
        path = unit_path_then(unit, as_of)
        tree = _Tree(path=path, depth=len(path) // Unit.steplen, day=as_of)
    else:
        today = today or timezone.localdate()
        tree = _Tree(path=unit.path, depth=unit.depth, day=None)
    groups: dict[str, Figures] = defaultdict(Figures)  # child path (or unit path) → figures
    children = tree.children()

    issued = Q(directive__campaign=campaign, directive__status=Directive.Status.ISSUED)
    if as_of is not None:
        # The date the directive bears (a directive entered later keeps its real date).
        issued &= Q(directive__issue_date__lte=as_of)

    # Expected units, with their frozen member counts (a unit may have several recipient rows),
    # and the units their sessions were handed over to.
    expected: dict[int, tuple[str, int]] = {}  # unit → (group, members)
    handed: dict[int, dict[int, datetime.date]] = defaultdict(dict)  # unit → {acting: day}
    for row in tree.rows(
        tree.within(
            Obligation.objects.filter(issued, kind=Obligation.Kind.SESSIONS), "recipient__unit"
        )
        .values("recipient__unit_id", "group", "unit_id", "handed_over_on")
        .annotate(members=Max("recipient__member_count"))
        .order_by()
    ):
        unit_id, day = row["recipient__unit_id"], row["handed_over_on"]
        known = expected.get(unit_id, ("", 0))[1]
        expected[unit_id] = (row["group"], max(known, row["members"] or 0))
        if day is not None and row["unit_id"] != unit_id and (as_of is None or day <= as_of):
            acting = handed[unit_id]
            acting[row["unit_id"]] = min(day, acting.get(row["unit_id"], day))
    for group, members in expected.values():
        figures = groups[group]
        figures.expected_units += 1
        figures.members += members

    # Sessions per unit: how many, the best attendance, reflections.
    sessions = StudySession.objects.filter(campaign=campaign)
    if as_of is not None:
        sessions = sessions.filter(held_on__lte=as_of)
    best: dict[int, int] = {}  # expected unit → most members present at one of its sessions
    for row in tree.rows(
        tree.within(sessions, "unit")
        .values("unit_id", "group")
        .annotate(n=Count("pk"), best=Max("members_present"), reflections=Sum("reflections"))
        .order_by()
    ):
        figures = groups[row["group"]]
        figures.sessions += row["n"]
        figures.reflections += row["reflections"] or 0
        if row["unit_id"] in expected:
            best[row["unit_id"]] = row["best"] or 0
    for row in tree.rows(
        tree.within(sessions, "unit").values("group", "form").annotate(n=Count("pk")).order_by()
    ):
        by_form = groups[row["group"]].sessions_by_form
        by_form[row["form"]] = by_form.get(row["form"], 0) + row["n"]

    # Organised and participants: by the unit's own sessions, or its successor's.
    shares = _handed_over_shares(campaign, handed, issued, as_of) if handed else {}
    for unit_id, (group, members) in expected.items():
        share = shares.get(unit_id)
        if unit_id in best or share is not None:
            figures = groups[group]
            figures.organised_units += 1
            figures.participants += min(max(best.get(unit_id, 0), share or 0), members)

    propaganda = PropagandaItem.objects.filter(campaign=campaign)
    if as_of is not None:
        propaganda = propaganda.filter(published_on__lte=as_of)
    for row in tree.rows(
        tree.within(propaganda, "unit").values("group", "kind").annotate(n=Count("pk")).order_by()
    ):
        figures = groups[row["group"]]
        figures.propaganda += row["n"]
        figures.propaganda_by_kind[row["kind"]] = row["n"]

    _count_owed(groups, tree, issued, milestone=milestone, due_by=due_by, today=today)

    endings = _endings([child for child, _ in children if tree.closed(child)])
    rows = []
    for child, path in children:
        figures = groups.get(path, Figures())
        ended = endings.get(child.pk)
        if ended is not None and figures == Figures():
            continue  # closed before the campaign (or the day): nothing of it to show
        rows.append(Row(unit=child, figures=figures, ended=ended))
    return Rollup(
        unit=unit, own=groups.get(tree.path, Figures()), children=rows, as_of=as_of, path=tree.path
    )


def _count_owed(
    groups: dict[str, Figures],
    tree: _Tree,
    issued: Q,
    *,
    milestone: Milestone | None,
    due_by: datetime.date | None,
    today: datetime.date,
) -> None:
    """Plans and reports owed in the subtree, with what was done about them (one query).

    A plan or report merged into a successor's own follows that one's state (from the day of
    the hand-over, for a past day): counted apart, so that the many others are counted without
    joining the successor's obligation.
    """
    followed = Q(merged_into__isnull=False)
    if tree.day is not None:
        followed &= Q(handed_over_on__lte=tree.day)
    report_filter = Q(kind=Obligation.Kind.REPORT)
    if milestone is not None:
        report_filter &= Q(milestone=milestone)
    if due_by is not None:
        report_filter &= Q(due_date__lte=due_by)
    owed = tree.within(
        Obligation.objects.filter(issued).filter(
            Q(kind=Obligation.Kind.IMPLEMENTING) | report_filter
        ),
        "recipient__unit",
    )
    submitted = Q(status__in=[*DELIVERED, ProgressReport.Status.RETURNED])
    fulfilled = Q(done_at__isnull=False)
    if tree.day is not None:
        # Done later than the day: not yet done on it. A plan is issued on the date it bears.
        submitted &= Q(first_day__lte=tree.day)
        fulfilled &= Q(done_on__lte=tree.day)
    counted = []
    for state, obligations in (
        ("", owed.exclude(followed)),
        ("merged_into__", owed.filter(followed)),
    ):
        if tree.day is not None:
            obligations = obligations.annotate(
                done_on=Coalesce(
                    f"{state}fulfilled_by__issue_date",
                    TruncDate(f"{state}fulfilled_at", tzinfo=_local_tz()),
                )
            )
        counted.append(
            obligations.annotate(
                status=F(f"{state}report__status"),
                first_day=TruncDate(f"{state}report__first_submitted_at", tzinfo=_local_tz()),
                done_at=F(f"{state}fulfilled_at"),
            )
            .values("group", "kind")
            .annotate(
                n=Count("pk"),
                fulfilled=Count("pk", filter=fulfilled),
                on_time=Count("pk", filter=submitted & Q(first_day__lte=F("due_date"))),
                late=Count("pk", filter=submitted & Q(first_day__gt=F("due_date"))),
                # Past the deadline, less those submitted (a negated filter would miss NULLs).
                due=Count("pk", filter=Q(due_date__lt=today)),
                submitted_due=Count("pk", filter=submitted & Q(due_date__lt=today)),
            )
            .order_by()
        )
    own, merged = counted
    rows = tree.rows(own.union(merged, all=True))
    for row in rows:
        missing = row["due"] - row["submitted_due"]
        figures = groups[row["group"]]
        if row["kind"] == Obligation.Kind.IMPLEMENTING:
            figures.plans_expected += row["n"]
            figures.plans_issued += row["fulfilled"]
        else:
            figures.reports_expected += row["n"]
            figures.reports_on_time += row["on_time"]
            figures.reports_late += row["late"]
            figures.reports_missing += missing
            figures.reports_pending += row["n"] - row["on_time"] - row["late"] - missing


def _handed_over_shares(
    campaign: Campaign,
    handed: Mapping[int, Mapping[int, datetime.date]],
    issued: Q,
    as_of: datetime.date | None,
) -> dict[int, int]:
    """Per expected unit whose sessions a successor took over and held after the hand-over:
    its share of the successor's best attendance since (0 when nothing is left). Two queries.

    Each successor's best attendance after its first hand-over goes to its own expected row
    first, then to the units it answers for in tree order, each up to its frozen member count.
    The units it answers for are read over the whole campaign, not the subtree viewed, so a
    unit gets the same share on every dashboard.
    """
    acting_ids = {acting for by_acting in handed.values() for acting in by_acting}
    own: dict[int, int] = {}  # acting unit → its own frozen member count, if it is expected
    covers: dict[int, dict[int, tuple[str, int, datetime.date]]] = defaultdict(dict)
    taken_over = Q(unit_id__in=acting_ids, handed_over_on__isnull=False)
    if as_of is not None:
        taken_over &= Q(handed_over_on__lte=as_of)
    for row in (
        Obligation.objects.filter(issued, kind=Obligation.Kind.SESSIONS)
        .filter(taken_over | Q(recipient__unit_id__in=acting_ids))
        .values("recipient__unit_id", "recipient__unit__path", "unit_id", "handed_over_on")
        .annotate(members=Max("recipient__member_count"))
        .order_by()
    ):
        unit_id, members = row["recipient__unit_id"], row["members"] or 0
        if unit_id in acting_ids:
            own[unit_id] = max(own.get(unit_id, 0), members)
        day = row["handed_over_on"]
        acting = row["unit_id"]
        if acting in acting_ids and acting != unit_id and day is not None:
            if as_of is not None and day > as_of:
                continue
            path, known, since = covers[acting].get(unit_id, (row["recipient__unit__path"], 0, day))
            covers[acting][unit_id] = (path, max(known, members), min(since, day))

    held: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    sessions = StudySession.objects.filter(campaign=campaign, unit_id__in=acting_ids)
    if as_of is not None:
        sessions = sessions.filter(held_on__lte=as_of)
    for row in (
        sessions.values("unit_id", "held_on").annotate(best=Max("members_present")).order_by()
    ):
        held[row["unit_id"]].append((row["held_on"], row["best"] or 0))

    shares: dict[int, int] = {}
    for acting, covered in covers.items():
        first = min(since for _, _, since in covered.values())
        left = max((n for day, n in held[acting] if day >= first), default=0)
        left -= min(left, own.get(acting, 0))
        for unit_id, (_, members, since) in sorted(covered.items(), key=lambda item: item[1][0]):
            after = [n for day, n in held[acting] if day >= since]
            if not after:
                continue  # no session of the successor since it took this unit's over
            share = min(left, members, max(after))
            left -= share
            shares[unit_id] = min(shares.get(unit_id, 0) + share, members)
    return shares


def _endings(closed: list[Unit]) -> dict[int, Ending]:
    """How each closed child ended, with the successor that took over its work (one query)."""
    if not closed:
        return {}
    endings = {
        unit.pk: Ending(day=unit.closed_on, kind="", successor=None)
        for unit in closed
        if unit.closed_on is not None
    }
    for link in (
        Lineage.objects.filter(predecessor__in=closed, takes_over_work=True)
        .exclude(successor_id=F("predecessor_id"))
        .select_related("operation", "successor")
        .order_by("operation__effective_date", "pk")
    ):
        endings[link.predecessor_id] = Ending(
            day=link.operation.effective_date, kind=link.operation.kind, successor=link.successor
        )
    return endings


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
