"""Writes to users and their roles in units: create, grant and end memberships."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from ..access import Capability, grants_for
from ..events import EventKind, record_event
from ..models import Membership, Role, Unit, User
from ..tabular import normalise
from .units import _refuse_closed, _require


@transaction.atomic
def membership_create(
    *,
    actor: User | None,
    unit: Unit,
    user: User,
    role: str,
    position: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> Membership:
    """Give an existing user a role in a unit; periods of the same role there may not overlap."""
    _require(actor, Capability.MANAGE, unit)
    _refuse_closed(unit)
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(
            "Bạn không thể tự phân công vai trò cho chính mình.", code="self_grant"
        )
    if role not in Role.values:
        raise ValidationError("Vai trò không hợp lệ.", code="bad_role")
    overlapping = Membership.objects.filter(user=user, unit=unit, role=role)
    if end_date:
        # A row without a start date has held the role since always: it overlaps too.
        overlapping = overlapping.filter(Q(start_date__isnull=True) | Q(start_date__lte=end_date))
    if start_date:
        overlapping = overlapping.exclude(end_date__lt=start_date)
    if overlapping.exists():
        raise ValidationError(
            "Người dùng đã có vai trò này ở đơn vị này trong khoảng thời gian đó.", code="duplicate"
        )
    membership = Membership(
        user=user,
        unit=unit,
        role=role,
        position=normalise(position),
        start_date=start_date,
        end_date=end_date,
    )
    membership.full_clean()
    membership.save()
    record_event(kind=EventKind.MEMBERSHIP_GRANTED, actor=actor, unit=unit, target=membership)
    return membership


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    unit: Unit,
    username: str,
    role: str,
    full_name: str = "",
    email: str = "",
    password: str = "",
    position: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> Membership:
    """Give a role in a unit to a user, creating the user first when the username is new."""
    user = User.objects.filter(username=username.strip()).first() or user_create(
        actor=actor, username=username, full_name=full_name, email=email, password=password
    )
    return membership_create(
        actor=actor,
        unit=unit,
        user=user,
        role=role,
        position=position,
        start_date=start_date,
        end_date=end_date,
    )


@transaction.atomic
def membership_end(
    *, actor: User | None, membership: Membership, end_date: datetime.date
) -> Membership:
    """End a role on a date (a rotation); the row stays, so history is never lost."""
    _require(actor, Capability.MANAGE, membership.unit)
    if membership.end_date is not None:
        raise ValidationError(
            "Phân công này đã kết thúc ngày %(day)s.",
            code="already_ended",
            params={"day": membership.end_date.strftime("%d/%m/%Y")},
        )
    if membership.start_date and end_date < membership.start_date:
        raise ValidationError(
            "Ngày kết thúc không được trước ngày bắt đầu.", code="end_before_start"
        )
    membership.end_date = end_date
    membership.full_clean()
    membership.save(update_fields=["end_date"])
    record_event(
        kind=EventKind.MEMBERSHIP_ENDED,
        actor=actor,
        unit=membership.unit,
        target=membership,
        data={"end_date": end_date.isoformat()},
    )
    return membership


@transaction.atomic
def user_create(
    *, actor: User | None, username: str, full_name: str, email: str, password: str
) -> User:
    """Create a user; anyone who manages some unit may, to give the new user a role there."""
    if actor is not None and not grants_for(actor).paths_for(Capability.MANAGE):
        raise ValidationError("Bạn không có quyền tạo người dùng.", code="forbidden")
    user = User(username=username.strip(), full_name=normalise(full_name), email=email.strip())
    user.set_password(password)
    user.full_clean()
    user.save()
    return user
