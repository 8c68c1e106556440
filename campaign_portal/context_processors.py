"""Template context for navigation: what the signed-in user may reach, and the bell's count."""

from django.http import HttpRequest

from reports.models import Notification
from units.access import Capability, can_anywhere, grants_for


def access(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    grants = grants_for(user)
    return {
        "nav_roles": grants.roles,
        "nav_memberships": grants.memberships,
        "nav_can_manage": can_anywhere(user, Capability.MANAGE),
        "nav_can_issue": can_anywhere(user, Capability.ISSUE),
        # One COUNT per page, for the bell.
        "nav_unread": Notification.objects.filter(user=user, read_at__isnull=True).count,
    }
