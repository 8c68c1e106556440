"""The bell: a user's notifications, marking them read, and how they want them by e-mail."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reports import services
from reports.access import access_notification
from reports.forms import NotificationSettingsForm
from reports.models import Notification
from reports.notifications import bell_rows, channels_of, describe, with_events
from units.http import AuthedHttpRequest


def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    notifications = with_events(Notification.objects.filter(user=request.user)).order_by(
        "-created_at", "-pk"
    )
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    rows = bell_rows(page.object_list, timezone.localdate())
    return render(request, "reports/notification_list.html", {"page": page, "rows": rows})


@require_POST
def notification_read(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Mark one read and open what it is about."""
    notification = access_notification(request.user, pk)
    services.notification_mark_read(actor=request.user, notifications=[notification])
    return redirect(describe(notification, timezone.localdate()).url or "reports:notification_list")


@require_POST
def notification_read_all(request: AuthedHttpRequest) -> HttpResponse:
    count = services.notification_mark_read(
        actor=request.user, notifications=Notification.objects.filter(user=request.user)
    )
    messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    return redirect("reports:notification_list")


def notification_settings(request: AuthedHttpRequest) -> HttpResponse:
    """The user's own e-mail choices; the bell shows every notification whatever they choose."""
    form = NotificationSettingsForm(request.POST or None, channels=channels_of(request.user))
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_set(actor=request.user, channels=form.cleaned_data)
        messages.success(request, "Đã lưu cách nhận thông báo qua thư điện tử.")
        return redirect("reports:notification_settings")
    return render(request, "reports/notification_settings.html", {"form": form})
