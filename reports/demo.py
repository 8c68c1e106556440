"""Demo activity for the demo campaign: sessions, propaganda items and reports of the two
grassroots committees that issued their plans, so the dashboards have something to show.

Idempotent: nothing is created when the demo units already logged sessions.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo

from django.conf import settings
from django.db import transaction

from campaigns.models import Campaign, Directive, Obligation
from reports import services
from reports.models import ProgressReport, PropagandaItem, StudySession
from units.models import Unit


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
