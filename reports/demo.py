"""Demo activity: sessions, propaganda items and reports of the 2024 campaign (two grassroots
committees that issued their plans) and of the current one, so the dashboards show something.

Idempotent: nothing is created when the demo units already logged sessions.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo

from django.conf import settings
from django.db import transaction

from campaigns import services as campaign_services
from campaigns.demo import GOVERNMENT
from campaigns.models import Campaign, Directive, Obligation
from reports import services
from reports.models import ProgressReport, PropagandaItem, StudySession
from units.models import Unit, User


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(16, 0), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
    )


def _report(unit: Unit, directive: Directive, day: datetime.date, text: str) -> None:
    """Submit the unit's report under `directive`, dated `day` (the demo's past)."""
    obligation = Obligation.objects.get(
        directive=directive, recipient__unit=unit, kind=Obligation.Kind.REPORT
    )
    report = services.report_start(actor=None, obligation=obligation)
    services.report_update(actor=None, report=report, assessment=text)
    services.report_submit(actor=None, report=report)
    ProgressReport.objects.filter(pk=report.pk).update(
        first_submitted_at=_at(day), submitted_at=_at(day)
    )


@transaction.atomic
def seed_demo_activity(campaign: Campaign) -> bool:
    """Sessions in the cells of Sở Tư pháp and Sở Nội vụ, their reports, a few news items."""
    committees = list(Unit.objects.filter(code__in=["DUK-02", "DUK-03"]).order_by("code"))
    if StudySession.objects.filter(campaign=campaign).exists():
        return False
    rng = random.Random(2024)  # noqa: S311 - plausible demo numbers, not security
    guidance = Directive.objects.get(campaign=campaign, symbol="32-HD/BTGĐUK")
    for committee in committees:
        plan = Directive.objects.get(
            campaign=campaign, issuer=committee, status=Directive.Status.ISSUED
        )
        services.session_create(
            actor=None,
            campaign=campaign,
            unit=committee,
            held_on=datetime.date(2024, 4, 18),
            form=StudySession.Form.CONFERENCE,
            topic="Hội nghị quán triệt tác phẩm",
            presenter="Báo cáo viên Đảng ủy Khối",
            members_present=int(services.unit_member_count(committee) * 0.9),
        )
        cells = list(
            Unit.objects.filter(path__startswith=committee.path, depth=committee.depth + 1)
        )
        for index, cell in enumerate(cells):
            if index == len(cells) - 1:
                continue  # one cell has not studied yet
            for month in (5, 6):
                services.session_create(
                    actor=None,
                    campaign=campaign,
                    unit=cell,
                    held_on=datetime.date(2024, month, 10 + index),
                    form=StudySession.Form.THEMATIC if month == 5 else StudySession.Form.REGULAR,
                    topic="Sinh hoạt chuyên đề về tác phẩm",
                    members_present=max(1, cell.member_count - rng.randint(0, 4)),
                    reflections=rng.randint(0, cell.member_count) if month == 6 else 0,
                )
            if index % 2 == 0:
                _report(cell, plan, datetime.date(2024, 9, 25 + index % 3), "Chi bộ đã sinh hoạt.")
        services.propaganda_create(
            actor=None,
            campaign=campaign,
            unit=committee,
            published_on=datetime.date(2024, 5, 2),
            kind=PropagandaItem.Kind.NEWS,
            channel=PropagandaItem.Channel.WEBSITE,
            title=f"{committee.name} quán triệt tác phẩm “Cây tre Việt Nam”",
            reach=rng.randint(300, 2000),
        )
    _report(
        committees[0],
        guidance,
        datetime.date(2024, 10, 8),
        "Đảng ủy đã triển khai đến 100% chi bộ.",
    )
    _report(
        committees[1],
        guidance,
        datetime.date(2024, 10, 14),
        "Đảng ủy đã triển khai đến các chi bộ.",
    )
    return True


def _submitted(
    unit: Unit, directive: Directive, day: datetime.date, text: str, actor: User | None = None
) -> ProgressReport:
    """The unit's first report under `directive`, submitted on `day` (before today)."""
    obligation = (
        Obligation.objects.filter(
            directive=directive, recipient__unit=unit, kind=Obligation.Kind.REPORT
        )
        .order_by("due_date")
        .first()
    )
    if obligation is None:
        raise ValueError(f"{unit} owes no report under {directive}")
    report = services.report_start(actor=actor, obligation=obligation)
    services.report_update(actor=actor, report=report, assessment=text)
    services.report_submit(actor=actor, report=report)
    ProgressReport.objects.filter(pk=report.pk).update(
        first_submitted_at=_at(day), submitted_at=_at(day)
    )
    report.refresh_from_db()
    return report


@transaction.atomic
def seed_current_activity(
    campaign: Campaign, guidance: Directive, plans: dict[str, Directive], today: datetime.date
) -> bool:
    """The current campaign's week, on the tree reorganised in 2025: cells of Sở Tài chính
    studied; Chi bộ Văn phòng's quick report was returned by the committee's secretary and
    waits for its secretary; another cell's was accepted, a third is overdue; Sở Tư pháp and
    Sở Nội vụ sent their interim reports to the People's Committee's committee, which sent its
    own to the city; the new ward of Ninh Kiều held its briefing."""
    if StudySession.objects.filter(campaign=campaign).exists():
        return False
    day = lambda offset: today + datetime.timedelta(days=offset)  # noqa: E731 - reads as a date
    codes = ("DUK-01", "DUK-01-01", "DUK-01-02", "DUK-02", "DUK-02-01", "DUK-03", "P-NINH-KIEU")
    units = {u.code: u for u in Unit.objects.filter(code__in=(*codes, GOVERNMENT))}
    secretary = User.objects.get(username="bithu")
    cell_secretary = User.objects.get(username="bithu.chibo")
    staff = User.objects.get(username="tuyengiao")
    staff_city = User.objects.get(username="tuyengiao.thanhuy")

    for code in ("DUK-01", "DUK-02", "DUK-03", "P-NINH-KIEU"):
        services.session_create(
            actor=secretary if code == "DUK-01" else None,
            campaign=campaign,
            unit=units[code],
            held_on=day(-9),
            form=StudySession.Form.CONFERENCE,
            topic="Hội nghị quán triệt Nghị quyết",
            presenter="Báo cáo viên Thành ủy",
            members_present=int(services.unit_member_count(units[code]) * 0.9),
        )
    for code, offset in (("DUK-01-01", -6), ("DUK-01-02", -5), ("DUK-02-01", -4)):
        cell = units[code]
        services.session_create(
            actor=cell_secretary if code == "DUK-01-01" else None,
            campaign=campaign,
            unit=cell,
            held_on=day(offset),
            form=StudySession.Form.THEMATIC,
            topic="Sinh hoạt chuyên đề về Nghị quyết Đại hội XIV",
            members_present=max(1, cell.member_count - 1),
            reflections=cell.member_count // 2,
        )

    plan = plans["DUK-01"]
    returned = _submitted(
        units["DUK-01-01"], plan, day(-3), "Chi bộ đã sinh hoạt chuyên đề.", cell_secretary
    )
    services.report_return(
        actor=secretary,
        report=returned,
        comment="Bổ sung số đảng viên vắng mặt và lý do; nêu rõ số bài thu hoạch đã nộp.",
    )
    accepted = _submitted(units["DUK-01-02"], plan, day(-4), "Chi bộ đã sinh hoạt đầy đủ.")
    services.report_accept(actor=secretary, report=accepted)
    # Chi bộ Phòng Tổ chức cán bộ (DUK-01-03) has not reported: two days overdue.

    # The committee's plan as Sở Tài chính's register holds it, given to its secretary.
    government_plan = plans[GOVERNMENT]
    received = government_plan.recipients.get(unit=units["DUK-01"])
    campaign_services.incoming_assign(
        actor=None,
        row=received,
        handler=secretary,
        handling_due=received.handling_due,
        note="Tham mưu kế hoạch thực hiện",
    )

    interim = _submitted(
        units["DUK-02"], government_plan, day(-1), "Đảng ủy đã quán triệt đến chi bộ."
    )
    services.report_accept(actor=staff, report=interim)
    _submitted(units["DUK-03"], government_plan, today, "Đảng ủy đã tổ chức hội nghị quán triệt.")
    sent = _submitted(
        units[GOVERNMENT],
        guidance,
        day(-1),
        "Đảng ủy Ủy ban nhân dân thành phố đã quán triệt đến các đảng bộ, chi bộ cơ sở.",
        staff,
    )
    services.report_accept(actor=staff_city, report=sent)
    return True
