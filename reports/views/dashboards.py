"""The leaders' dashboard of a unit's subtree and its Excel export, now or as of a past day."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from campaigns.models import Campaign, Milestone
from reports import selectors
from reports.exports import XLSX_TYPE, dashboard_xlsx
from reports.figures import Row, UnitName, names_on, rollup
from units.access import access_unit, units_visible_to
from units.http import AuthedHttpRequest
from units.models import Unit, User
from units.selectors import breadcrumbs, unit_path_then, units_on


@dataclass(frozen=True)
class DashboardChoice:
    """The campaign and report deadline a dashboard shows, and its export downloads."""

    campaign: Campaign | None  # None: none to show
    milestones: list[Milestone] = field(default_factory=list)  # the unit's report deadlines
    milestone: Milestone | None = None  # None: figures up to today, over every deadline


def dashboard_choice(
    request: AuthedHttpRequest, unit: Unit, campaigns: list[Campaign]
) -> DashboardChoice:
    """The campaign ?campaign= names among `campaigns` (the unit's, newest first), else the
    newest; and the report milestone ?milestone= names among the unit's, else none. The page
    and its export read the query string alike, so the download is what the page shows."""
    wanted = request.GET.get("campaign", "")
    campaign = next((c for c in campaigns if str(c.pk) == wanted), None) or (
        campaigns[0] if campaigns else None
    )
    if campaign is None:
        return DashboardChoice(campaign=None)
    milestones = selectors.report_milestones(campaign, unit)
    wanted = request.GET.get("milestone", "")
    milestone = next((m for m in milestones if str(m.pk) == wanted), None)
    return DashboardChoice(campaign=campaign, milestones=milestones, milestone=milestone)


@dataclass(frozen=True)
class AsOf:
    """The past day ?as_of= asks for (None: now), or why it cannot be shown."""

    day: datetime.date | None = None
    error: str = ""
    typed: str = ""  # what was asked for, kept in the date box


def as_of_choice(request: AuthedHttpRequest, unit: Unit) -> AsOf:
    """?as_of=YYYY-MM-DD (or dd/mm/yyyy): a day before today on which the unit existed.
    Anything else shows today's figures, with a message saying why; today itself is now."""
    typed = request.GET.get("as_of", "").strip()
    if not typed:
        return AsOf()
    day = _parse_day(typed)
    if day is None:
        return AsOf(
            error="Ngày xem số liệu không hợp lệ: hãy chọn một ngày (ngày/tháng/năm). "
            "Trang đang hiện số liệu hiện tại.",
            typed=typed,
        )
    today = timezone.localdate()
    if day > today:
        return AsOf(
            error=f"Không xem được số liệu của ngày {day:%d/%m/%Y} vì ngày này chưa đến. "
            "Trang đang hiện số liệu hiện tại.",
            typed=typed,
        )
    if unit.opened_on is not None and day < unit.opened_on:
        return AsOf(
            error=f"Ngày {day:%d/%m/%Y} {unit.name} chưa được thành lập (thành lập từ ngày "
            f"{unit.opened_on:%d/%m/%Y}). Trang đang hiện số liệu hiện tại.",
            typed=typed,
        )
    if day == today:
        return AsOf()
    return AsOf(day=day, typed=day.isoformat())


def _parse_day(text: str) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    return None


def _query(**values: object) -> str:
    """A query string of the values given (those not empty)."""
    return urlencode({key: value for key, value in values.items() if value})


def _crumbs_on(user: User, path: str, day: datetime.date) -> list[Unit]:
    """The ancestors the unit had on `day` that the user may see, top first (one query)."""
    prefixes = [path[:end] for end in range(Unit.steplen, len(path), Unit.steplen)]
    if not prefixes:
        return []
    return list(
        units_on(day, prefixes)
        .filter(pk__in=units_visible_to(user).values("pk"))
        .order_by("path_then")
    )


def dashboard(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One row per child unit over the subtree, drill-down to any depth: a fixed number of
    queries whatever the size of the subtree. ?as_of= shows the tree, names and figures of a
    past day."""
    unit = access_unit(request.user, pk)
    campaigns = list(selectors.campaigns_of_unit(request.user, unit)[:50])
    # A campaign the unit does not have (a drill-down into a child it was not sent to) falls
    # back to the unit's newest.
    choice = dashboard_choice(request, unit, campaigns)
    as_of = as_of_choice(request, unit)
    context: dict[str, object] = {
        "unit": unit,
        "campaigns": campaigns,
        "as_of": as_of.day,
        "as_of_error": as_of.error,
        "as_of_typed": as_of.typed,
        "today": timezone.localdate(),
        # A unit merged away, split or dissolved (by the day shown) says so beside its name.
        "closed_on": unit.closed_on
        if unit.closed_on and (as_of.day is None or unit.closed_on <= as_of.day)
        else None,
    }
    result = None
    if choice.campaign is not None:
        result = rollup(choice.campaign, unit, milestone=choice.milestone, as_of=as_of.day)
    if as_of.day is None:
        crumbs = breadcrumbs(request.user, unit)
    else:
        path = result.path if result else unit_path_then(unit, as_of.day)
        crumbs = _crumbs_on(request.user, path, as_of.day)
    children: list[Row] = result.children if result else []
    units = [unit, *crumbs, *(row.unit for row in children)]
    if as_of.day is None:
        names = {u.pk: UnitName(u.name, u.short_name) for u in units}
    else:
        names = names_on(units, as_of.day)
    day = as_of.day.isoformat() if as_of.day else ""
    context.update(
        name=names[unit.pk],
        crumbs=[(crumb, names[crumb.pk]) for crumb in crumbs],
        crumb_query=_query(campaign=choice.campaign.pk if choice.campaign else "", as_of=day),
    )
    if choice.campaign is not None and result is not None:
        milestone = choice.milestone.pk if choice.milestone else ""
        context.update(
            campaign=choice.campaign,
            milestones=choice.milestones,
            milestone=choice.milestone,
            result=result,
            rows=[(row, names[row.unit.pk]) for row in children],
            total=result.total,
            # Drill-down and the download keep the campaign, deadline and day shown.
            drill_query=_query(campaign=choice.campaign.pk, milestone=milestone, as_of=day),
            live_query=_query(campaign=choice.campaign.pk, milestone=milestone),
            # Who is late now, with today's secretaries: not a question about a past day.
            overdue=selectors.overdue_units(choice.campaign, unit) if as_of.day is None else [],
            # The chart names each row as the table does; a unit without members has no bar
            # (the table shows "–"), not a bar at 0 %.
            chart={
                "labels": [names[row.unit.pk].name for row in children],
                "rates": [row.figures.participation_rate for row in children],
            },
        )
    return render(request, "reports/dashboard.html", context)


def dashboard_xlsx_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The dashboard's rows as .xlsx, for the campaign, milestone and day the dashboard shows."""
    unit = access_unit(request.user, pk)
    campaigns = selectors.campaigns_of_unit(request.user, unit)
    wanted = request.GET.get("campaign", "")
    if wanted:  # a download never falls back: a campaign the unit does not have is not found
        campaigns = campaigns.filter(pk=wanted) if wanted.isdigit() else campaigns.none()
    choice = dashboard_choice(request, unit, list(campaigns[:1]))
    if choice.campaign is None:
        raise Http404("Không tìm thấy đợt sinh hoạt.")
    as_of = as_of_choice(request, unit)
    if as_of.error:  # the page never links one: a day that cannot be shown is not found
        raise Http404(as_of.error)
    suffix = f"-{as_of.day:%Y%m%d}" if as_of.day else ""
    return HttpResponse(
        dashboard_xlsx(choice.campaign, unit, choice.milestone, as_of=as_of.day),
        content_type=XLSX_TYPE,
        headers={
            "Content-Disposition": content_disposition_header(
                True, f"tong-hop-{unit.code}{suffix}.xlsx"
            )
        },
    )
