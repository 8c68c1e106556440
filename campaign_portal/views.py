"""Project-wide pages: the home page each role lands on, and the health check."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from campaign_portal.celery import app
from campaigns import selectors as campaign_selectors
from reports import selectors as report_selectors
from units import selectors
from units.access import grants_for
from units.http import AuthedHttpRequest
from units.models import Role

HOME_TEMPLATES = {
    Role.LEADER: "home/leader.html",
    Role.STAFF: "home/staff.html",
    Role.SECRETARY: "home/secretary.html",
    Role.ADMIN: "home/admin.html",
}


def home(request: AuthedHttpRequest) -> HttpResponse:
    """Land each user on the page of their first role; `?role=` switches when they hold several."""
    grants = grants_for(request.user)
    roles = grants.roles
    if not roles:
        return render(request, "home/no_role.html", status=200)
    asked = request.GET.get("role")
    chosen = asked in roles
    role = asked if chosen and asked else roles[0]
    memberships = [m for m in grants.memberships if m.role == role]
    context: dict[str, Any] = {
        "role": role,
        "role_label": Role(role).label,
        "memberships": memberships,
    }
    if role in {Role.LEADER, Role.ADMIN}:
        # One section per unit the user leads or administers (the whole tree for a superuser
        # without assignment): queries grow with their memberships, never with the tree.
        units = [m.unit for m in memberships] or selectors.scope_roots(request.user)
        campaigns = {  # the administrator's page shows none
            unit.pk: list(report_selectors.campaigns_of_unit(request.user, unit)[:5])
            for unit in units
            if role == Role.LEADER
        }
        if role == Role.LEADER and not chosen and len(units) == 1 and campaigns[units[0].pk]:
            # A leader of one unit lands on its dashboard for the newest campaign; with several
            # units, no campaign yet, or the role chosen in the menu, on the page listing them.
            dashboard = reverse("reports:dashboard", args=[units[0].pk])
            return redirect(f"{dashboard}?campaign={campaigns[units[0].pk][0].pk}")
        context["sections"] = [
            {
                "unit": unit,
                "children": selectors.children_rollup(unit),
                "totals": selectors.subtree_totals(unit),
                "campaigns": campaigns.get(unit.pk, []),
            }
            for unit in units
        ]
    if role == Role.ADMIN:
        pending = list(campaign_selectors.pending_imports_under(request.user)[:51])
        context["pending_imports"], context["pending_more"] = pending[:50], len(pending) > 50
    if role in {Role.STAFF, Role.SECRETARY}:
        # The ten newest of each list; the full lists are paginated pages of their own.
        context["received"] = campaign_selectors.with_issuer_options(
            request.user, list(campaign_selectors.received_for(request.user)[:10])
        )
        context["directives"] = list(campaign_selectors.directives_issued_for(request.user)[:10])
        context["to_review"] = list(report_selectors.reports_to_review(request.user)[:20])
        # What the user's units owe, each in its true state, the most urgent first.
        todo = report_selectors.unit_todo(request.user)
        context["todo"] = todo
        context["next_item"] = report_selectors.next_action(todo)
        context["show_unit"] = len({item.unit.pk for item in todo}) > 1
        context["assigned"] = list(campaign_selectors.assigned_to(request.user)[:20])
        context["today"] = timezone.localdate()
    return render(request, HOME_TEMPLATES[Role(role)], context)


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    # Bounded, so a load balancer's probe gets its answer: one immediate retry (kombu would
    # sleep two seconds first) and a connect timeout (redis would wait for the OS's).
    try:
        with app.connection_for_write(
            connect_timeout=2, transport_options={"socket_connect_timeout": 2}
        ) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception:
        return "error"
    return "ok"


@login_not_required
@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status for load balancers and operators; shows no data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "error"
    broker = _broker_status()
    healthy = database == "ok" and broker != "error"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )
