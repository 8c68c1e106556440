"""Writes to the units themselves: create, update, rename (keeping history) and move."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from ..access import Capability, can
from ..models import Lineage, Unit, UnitKind, UnitNameRecord, UnitPathRecord, User
from ..tabular import normalise


def _require(actor: User | None, capability: Capability, unit: Unit) -> None:
    """Services re-check scope: a view that forgot to ask still cannot write outside it."""
    if actor is not None and not can(actor, capability, unit):
        raise ValidationError("Bạn không có quyền với đơn vị này.", code="forbidden")


def _refuse_closed(unit: Unit, code: str = "unit_closed") -> None:
    """A unit closed by a merger, split or closure keeps its history and takes no new work."""
    if unit.closed_on is not None:
        raise ValidationError(
            "%(unit)s đã không còn hoạt động từ ngày %(day)s: không thể thay đổi hay giao việc mới.",
            code=code,
            params={"unit": unit.name, "day": unit.closed_on.strftime("%d/%m/%Y")},
        )


def _refuse_out_of_order(units: Iterable[Unit], day: datetime.date) -> None:
    """Refuse a change dated before a later recorded change of one of these units.

    Earlier paths (`UnitPathRecord`) and operations (`Lineage`) are a history in date order: a
    move, merger or split dated before a later one would write a past that the later records
    contradict. One query however many units (a file of thousands of operations checks each).
    """
    pks = {unit.pk for unit in units if unit.pk is not None}
    if not pks:
        return
    newest = "-operation__effective_date"
    rows = (
        Unit.objects.filter(pk__in=pks)
        .annotate(
            moved_until=Subquery(
                UnitPathRecord.objects.filter(unit=OuterRef("pk"))
                .order_by("-valid_until")
                .values("valid_until")[:1]
            ),
            ended_on=Subquery(
                Lineage.objects.filter(predecessor=OuterRef("pk"))
                .order_by(newest)
                .values("operation__effective_date")[:1]
            ),
            received_on=Subquery(
                Lineage.objects.filter(successor=OuterRef("pk"))
                .order_by(newest)
                .values("operation__effective_date")[:1]
            ),
        )
        .order_by("pk")
        .values_list("name", "moved_until", "ended_on", "received_on")
    )
    later: list[tuple[datetime.date, str]] = []
    for name, moved_until, ended_on, received_on in rows:
        changes = [d for d in (ended_on, received_on) if d is not None]
        if moved_until is not None:
            changes.append(moved_until + datetime.timedelta(days=1))  # the day of the move
        if changes and day < max(changes):
            later.append((max(changes), name))
    if later:
        last, name = max(later)
        raise ValidationError(
            "Đã có thay đổi sau ngày này ở %(unit)s (ngày %(day)s): "
            "hãy nhập các việc sắp xếp theo thứ tự ngày.",
            code="out_of_order",
            params={"unit": name, "day": last.strftime("%d/%m/%Y")},
        )


@transaction.atomic
def unit_create(
    *,
    actor: User | None,
    parent: Unit | None,
    kind: UnitKind,
    opened_on: datetime.date | Literal["today"] | None = "today",
    **fields,
) -> Unit:
    """Add a unit under `parent`; only a superuser adds a root (a new tree).

    A unit added by hand is new: it exists from `opened_on`, today unless given, so the
    dashboards of earlier days leave it out. None: a unit that always existed (a seeded tree).
    """
    if parent is None:
        if actor is not None and not actor.is_superuser:
            raise ValidationError("Chỉ quản trị hệ thống được tạo đơn vị gốc.", code="forbidden")
    else:
        _require(actor, Capability.MANAGE, parent)
        _refuse_closed(parent, "parent_closed")
    if not isinstance(opened_on, datetime.date | None):  # "today"
        opened_on = timezone.localdate()
    elif opened_on is not None and opened_on > timezone.localdate():
        raise ValidationError(
            {
                "opened_on": ValidationError(
                    "Ngày thành lập không được sau hôm nay.", code="opened_in_future"
                )
            }
        )
    unit = Unit(kind=kind, opened_on=opened_on, **fields)
    unit.full_clean(exclude=["path", "depth"])  # treebeard sets the tree fields
    if parent is None:
        return Unit.objects.add_root(instance=unit)
    return Unit.objects.add_child(parent, instance=unit)


# What unit_update changes, in the order UnitForm shows them (the form's list is this one).
UNIT_EDITABLE_FIELDS = (
    "kind",
    "place_name",
    "member_count",
    "official_count",
    "youth_count",
    "other_count",
    "is_active",
)


@transaction.atomic
def unit_update(*, actor: User | None, unit: Unit, **fields) -> Unit:
    """Change a unit's kind, place and headcounts; names go through unit_rename to keep history."""
    _require(actor, Capability.MANAGE, unit)
    _refuse_closed(unit)  # a closed unit is history: not changed, never made active again
    unknown = set(fields) - set(UNIT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unit_update cannot change {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(unit, name) != value]
    for name in changed:
        setattr(unit, name, fields[name])
    if changed:
        unit.full_clean()
        unit.save(update_fields=changed)
    return unit


@transaction.atomic
def unit_rename(
    *,
    actor: User | None,
    unit: Unit,
    name: str,
    short_name: str,
    symbol_code: str,
    effective_date: datetime.date,
) -> Unit:
    """Give a unit a new name and code from a date, keeping the old ones with their dates."""
    _require(actor, Capability.MANAGE, unit)
    _refuse_closed(unit)
    name, short_name, symbol_code = normalise(name), normalise(short_name), normalise(symbol_code)
    if (name, short_name, symbol_code) == (unit.name, unit.short_name, unit.symbol_code):
        raise ValidationError("Tên và ký hiệu mới giống tên hiện tại.", code="unchanged")
    if effective_date > timezone.localdate():
        raise ValidationError(
            "Ngày đổi tên không được sau hôm nay: hãy đổi tên vào ngày tên mới có hiệu lực.",
            code="rename_in_future",
        )
    if unit.name_since and effective_date <= unit.name_since:
        raise ValidationError(
            "Ngày đổi tên phải sau ngày %(since)s, ngày đơn vị bắt đầu dùng tên hiện tại.",
            code="rename_before_current",
            params={"since": unit.name_since.strftime("%d/%m/%Y")},
        )
    _refuse_out_of_order([unit], effective_date)
    UnitNameRecord.objects.create(
        unit=unit,
        name=unit.name,
        short_name=unit.short_name,
        symbol_code=unit.symbol_code,
        valid_from=unit.name_since,
        valid_until=effective_date - datetime.timedelta(days=1),
        recorded_by=actor,
    )
    unit.name, unit.short_name, unit.symbol_code = name, short_name, symbol_code
    unit.name_since = effective_date
    unit.full_clean()
    unit.save(update_fields=["name", "short_name", "symbol_code", "name_since"])
    return unit


def remember_paths(units: Iterable[Unit], day: datetime.date) -> None:
    """Keep the current paths of these units' subtrees as valid until the day before `day`."""
    until = day - datetime.timedelta(days=1)
    table = UnitPathRecord._meta.db_table
    unit_table = Unit._meta.db_table
    with connection.cursor() as cursor:
        for unit in units:
            cursor.execute(
                f"INSERT INTO {table} (unit_id, path, depth, valid_until) "  # noqa: S608
                f"SELECT id, path, depth, %s FROM {unit_table} WHERE path LIKE %s",
                [until, unit.path + "%"],
            )


@transaction.atomic
def unit_move(
    *,
    actor: User | None,
    unit: Unit,
    new_parent: Unit,
    effective_date: datetime.date | None = None,
) -> Unit:
    """Move a unit with its whole subtree under another parent from a day (default today);
    its earlier place is kept for the dashboards of past days."""
    _require(actor, Capability.MANAGE, unit)
    _require(actor, Capability.MANAGE, new_parent)
    _refuse_closed(unit)
    day = effective_date or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError(
            "Ngày chuyển không được sau hôm nay: hãy chuyển đơn vị vào ngày có hiệu lực.",
            code="move_in_future",
        )
    if new_parent.path.startswith(unit.path):
        raise ValidationError(
            "Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.",
            code="move_into_self",
        )
    if unit.path[: -Unit.steplen] == new_parent.path:
        raise ValidationError("Đơn vị đã trực thuộc đơn vị này.", code="move_noop")
    if new_parent.closed_on is not None:
        raise ValidationError(
            "Đơn vị đã không còn hoạt động: không thể nhận đơn vị trực thuộc mới.",
            code="move_into_closed",
        )
    _refuse_out_of_order([unit, new_parent], day)
    remember_paths([unit], day)
    Unit.objects.move(unit, new_parent, "last-child")
    unit.refresh_from_db()
    return unit
