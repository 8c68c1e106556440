"""Reading a unit's incoming register: who may handle what it receives, and what each person has
been given to handle."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from campaigns.models import Directive, DirectiveRecipient, Obligation
from units.models import Membership, Role, Unit, User

# A handled document leaves the handler's home page this long after it arrived.
ASSIGNED_SHOWN_DAYS = 30


def handler_candidates(unit: Unit) -> QuerySet[User]:
    """The receiving office's working people today (staff and secretaries, whose home page lists
    what they are given): active members of the unit or of its organs."""
    today = timezone.localdate()
    office = Q(unit=unit) | Q(
        unit__path__startswith=unit.path, unit__depth=unit.depth + 1, unit__kind__is_organ=True
    )
    members = Membership.objects.active_on(today).filter(
        office, role__in=[Role.STAFF, Role.SECRETARY]
    )
    return (
        User.objects.filter(is_active=True, pk__in=members.values("user_id"))
        .order_by("full_name", "username")
        .distinct()
    )


def assigned_to(user: User, *, today: datetime.date | None = None) -> QuerySet[DirectiveRecipient]:
    """Received documents given to the user to handle that still need them: work under it is
    open, or it arrived within the last month; earliest deadline first."""
    today = today or timezone.localdate()
    open_work = Obligation.objects.filter(recipient=OuterRef("pk"), fulfilled_at__isnull=True)
    recent = today - datetime.timedelta(days=ASSIGNED_SHOWN_DAYS)
    # Only while the user is still of the receiving office (handler_candidates).
    still_there = Membership.objects.active_on(today).filter(
        Q(unit=OuterRef("unit"))
        | Q(
            unit__path__startswith=OuterRef("unit__path"),
            unit__depth=OuterRef("unit__depth") + 1,
            unit__kind__is_organ=True,
        ),
        user=user,
    )
    return (
        DirectiveRecipient.objects.filter(
            Exists(still_there), handler=user, directive__status=Directive.Status.ISSUED
        )
        .filter(Q(Exists(open_work)) | Q(received_on__gte=recent))
        .select_related("unit", "directive", "directive__kind")
        .order_by("handling_due", "received_on", "pk")
    )
