"""The leaders' dashboard of a unit's subtree and its Excel export."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from campaigns.models import Campaign, Milestone
from reports import selectors
from reports.exports import XLSX_TYPE, dashboard_xlsx
from reports.figures import rollup
from units.access import access_unit
from units.http import AuthedHttpRequest
from units.models import Unit
from units.selectors import breadcrumbs


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


def dashboard(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One row per child unit over the subtree, drill-down to any depth: a fixed number of
    queries whatever the size of the subtree."""
    unit = access_unit(request.user, pk)
    campaigns = list(selectors.campaigns_of_unit(request.user, unit)[:50])
    # A campaign the unit does not have (a drill-down into a child it was not sent to) falls
    # back to the unit's newest.
    choice = dashboard_choice(request, unit, campaigns)
    context = {"unit": unit, "crumbs": breadcrumbs(request.user, unit), "campaigns": campaigns}
    if choice.campaign is not None:
        result = rollup(choice.campaign, unit, milestone=choice.milestone)
        context.update(
            campaign=choice.campaign,
            milestones=choice.milestones,
            milestone=choice.milestone,
            result=result,
            total=result.total,
            overdue=selectors.overdue_units(choice.campaign, unit),
            # The chart names each row as the table does; a unit without members has no bar
            # (the table shows "–"), not a bar at 0 %.
            chart={
                "labels": [row.unit.name for row in result.children],
                "rates": [row.figures.participation_rate for row in result.children],
            },
        )
    return render(request, "reports/dashboard.html", context)


def dashboard_xlsx_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The dashboard's rows as .xlsx, for the campaign and milestone the dashboard shows."""
    unit = access_unit(request.user, pk)
    campaigns = selectors.campaigns_of_unit(request.user, unit)
    wanted = request.GET.get("campaign", "")
    if wanted:  # a download never falls back: a campaign the unit does not have is not found
        campaigns = campaigns.filter(pk=wanted) if wanted.isdigit() else campaigns.none()
    choice = dashboard_choice(request, unit, list(campaigns[:1]))
    if choice.campaign is None:
        raise Http404("Không tìm thấy đợt sinh hoạt.")
    return HttpResponse(
        dashboard_xlsx(choice.campaign, unit, choice.milestone),
        content_type=XLSX_TYPE,
        headers={
            "Content-Disposition": content_disposition_header(True, f"tong-hop-{unit.code}.xlsx")
        },
    )
