"""The bell: a user's notifications, and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reports import services
from reports.access import access_notification
from reports.models import Notification
from units.http import AuthedHttpRequest


def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "reports/notification_list.html", {"page": page})


@require_POST
def notification_read(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Mark one read and open what it is about."""
    notification = access_notification(request.user, pk)
    services.notification_mark_read(actor=request.user, notifications=[notification])
    return redirect(notification.url or "reports:notification_list")


@require_POST
def notification_read_all(request: AuthedHttpRequest) -> HttpResponse:
    count = services.notification_mark_read(
        actor=request.user, notifications=Notification.objects.filter(user=request.user)
    )
    messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    return redirect("reports:notification_list")
