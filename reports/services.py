"""Every write to sessions, propaganda items and progress reports."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from campaigns.documents.formatting import document_symbol
from campaigns.documents.text import nfc
from campaigns.models import Campaign, Obligation, StudyMaterial
from campaigns.selectors import term_for
from campaigns.services import next_document_number, report_kind
from reports.documents.context import report_symbol_code
from reports.models import (
    DELIVERED,
    EmailChannel,
    Notification,
    NotificationPreference,
    ProgressReport,
    PropagandaItem,
    SessionAttachment,
    StudySession,
)
from reports.notifications import DEFAULT_CHANNELS
from reports.selectors import report_figures
from units.events import EventKind, record_event
from units.models import Unit, User

# The fields callers set, in the order their forms show them (the forms build their lists from
# these). A session's materials are set through their own argument.
SESSION_FIELDS = (
    "held_on",
    "form",
    "topic",
    "presenter",
    "members_present",
    "officials_present",
    "youth_present",
    "others_present",
    "reflections",
    "minutes",
)
PROPAGANDA_FIELDS = ("published_on", "kind", "channel", "title", "url", "reach")
REPORT_PROSE = ("assessment", "strengths", "limits", "proposals")
SUBMITTED = set(DELIVERED)


_T = TypeVar("_T")


def _clean(value: _T) -> _T:
    """What the user typed, trimmed and in one Unicode form."""
    return nfc(value.strip() if isinstance(value, str) else value)


def unit_member_count(unit: Unit) -> int:
    """Members a session of this unit may count: its own, or its whole subtree's for a
    committee (whose members are counted in its cells)."""
    if unit.kind.counts_members:
        return unit.member_count
    return (
        Unit.objects.filter(path__startswith=unit.path, kind__counts_members=True).aggregate(
            total=Sum("member_count")
        )["total"]
        or 0
    )


# ---------------------------------------------------------------------------- sessions


def _require_unreported(
    unit: Unit, campaign: Campaign, day: datetime.date, what: str = "buổi sinh hoạt này"
) -> None:
    """Work of a period the unit has reported on is part of that report: kept as sent."""
    reported = ProgressReport.objects.filter(
        unit=unit,
        campaign=campaign,
        status__in=SUBMITTED,
        obligation__due_date__gte=day,
    ).exists()
    if reported:
        raise ValidationError(
            f"Đơn vị đã gửi báo cáo cho giai đoạn có {what}; không thể thêm, sửa "
            "hay xóa. Nếu cần, đề nghị cấp trên trả lại báo cáo.",
            code="reported",
        )


CLOSED_SESSION = "không ghi được buổi sinh hoạt từ ngày đó; hãy ghi cho đơn vị kế thừa."
CLOSED_ITEM = "không ghi được tin, bài đăng từ ngày đó; hãy ghi cho đơn vị kế thừa."
CLOSED_REPORT = "không soạn được báo cáo mới cho đơn vị này."


def _require_open(unit: Unit, day: datetime.date | None, refused: str, field: str = "") -> None:
    """A unit that has ended takes no new work: nothing dated from its closing day on (`day`
    None: nothing at all). What happened before that day may still be entered."""
    closed = unit.closed_on
    if closed is None or (day is not None and day < closed):
        return
    refusal = ValidationError(
        f"{unit.name} đã không còn hoạt động từ ngày {closed:%d/%m/%Y}: {refused}",
        code="unit_closed",
    )
    raise ValidationError({field: refusal}) if field else refusal


def _check_present(session: StudySession) -> None:
    if session.members_present > session.member_count:
        raise ValidationError(
            {
                "members_present": ValidationError(
                    f"Số đảng viên tham dự ({session.members_present}) không được lớn hơn số "
                    f"đảng viên của đơn vị ({session.member_count}).",
                    code="too_many_present",
                )
            }
        )


@transaction.atomic
def session_create(
    *,
    actor: User | None,
    campaign: Campaign,
    unit: Unit,
    materials: Iterable[StudyMaterial] = (),
    files: Iterable = (),
    **fields,
) -> StudySession:
    unknown = set(fields).difference(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"session_create does not set {sorted(unknown)}")
    _require_open(unit, fields["held_on"], CLOSED_SESSION, "held_on")
    _require_unreported(unit, campaign, fields["held_on"])
    session = StudySession(
        campaign=campaign,
        unit=unit,
        member_count=unit_member_count(unit),
        created_by=actor,
        **{k: _clean(v) for k, v in fields.items()},
    )
    _check_present(session)
    session.full_clean()
    session.save()
    session.materials.set(materials)
    for upload in files:
        attachment_add(actor=actor, session=session, upload=upload)
    record_event(kind=EventKind.SESSION_LOGGED, actor=actor, unit=unit, target=session)
    return session


@transaction.atomic
def session_update(
    *,
    actor: User | None,
    session: StudySession,
    materials: Iterable[StudyMaterial] | None = None,
    files: Iterable = (),
    **fields,
) -> StudySession:
    """Change a session; its member count stays the one of the day it was logged."""
    session = StudySession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    unknown = set(fields).difference(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"session_update does not set {sorted(unknown)}")
    _require_unreported(session.unit, session.campaign, session.held_on)
    if "held_on" in fields:
        if fields["held_on"] != session.held_on:
            _require_open(session.unit, fields["held_on"], CLOSED_SESSION, "held_on")
        _require_unreported(session.unit, session.campaign, fields["held_on"])
    for name, value in fields.items():
        setattr(session, name, _clean(value))
    _check_present(session)
    session.full_clean()
    session.save(update_fields=[*fields, "updated_at"])
    if materials is not None:
        session.materials.set(materials)
    for upload in files:
        attachment_add(actor=actor, session=session, upload=upload)
    return session


@transaction.atomic
def session_delete(*, actor: User | None, session: StudySession) -> None:
    _require_unreported(session.unit, session.campaign, session.held_on)
    for attachment in session.attachments.all():
        attachment.file.delete(save=False)
    session.delete()


ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = {".pdf", ".docx", ".jpg", ".jpeg", ".png"}


def check_attachment(upload) -> None:
    """PDF, images and .docx up to 10 MB: what minutes and photos come as, nothing executable."""
    if Path(upload.name).suffix.lower() not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            f"Tệp “{upload.name}”: chỉ nhận PDF, ảnh JPG/PNG và Word .docx.", code="bad_type"
        )
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            f"Tệp “{upload.name}” quá lớn ({filesizeformat(upload.size)}); tối đa "
            f"{filesizeformat(ATTACHMENT_MAX_BYTES)}.",
            code="too_large",
        )


def attachment_add(*, actor: User | None, session: StudySession, upload) -> SessionAttachment:
    check_attachment(upload)
    attachment = SessionAttachment(
        session=session, original_name=upload.name[:255], size=upload.size
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


# ---------------------------------------------------------------------------- propaganda


@transaction.atomic
def propaganda_create(
    *, actor: User | None, campaign: Campaign, unit: Unit, **fields
) -> PropagandaItem:
    _require_open(unit, fields.get("published_on"), CLOSED_ITEM, "published_on")
    item = PropagandaItem(
        campaign=campaign, unit=unit, created_by=actor, **{k: _clean(v) for k, v in fields.items()}
    )
    item.full_clean()
    item.save()
    return item


ITEM = "tin, bài này"


@transaction.atomic
def propaganda_update(*, actor: User | None, item: PropagandaItem, **fields) -> PropagandaItem:
    """Correct an item; like a session, not once the unit has reported the period it falls in."""
    item = PropagandaItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    unknown = set(fields).difference(PROPAGANDA_FIELDS)
    if unknown:
        raise TypeError(f"propaganda_update does not set {sorted(unknown)}")
    _require_unreported(item.unit, item.campaign, item.published_on, ITEM)
    if "published_on" in fields:
        if fields["published_on"] != item.published_on:
            _require_open(item.unit, fields["published_on"], CLOSED_ITEM, "published_on")
        _require_unreported(item.unit, item.campaign, fields["published_on"], ITEM)
    for name, value in fields.items():
        setattr(item, name, _clean(value))
    item.full_clean()
    item.save(update_fields=list(fields))
    return item


@transaction.atomic
def propaganda_delete(*, actor: User | None, item: PropagandaItem) -> None:
    _require_unreported(item.unit, item.campaign, item.published_on, ITEM)
    item.delete()


# ---------------------------------------------------------------------------- reports


@transaction.atomic
def report_start(*, actor: User | None, obligation: Obligation) -> ProgressReport:
    """The report for a report obligation: the one already started, or a new draft, written by
    the unit acting on it (the recipient, or the successor it was handed over to). An
    obligation merged into the successor's own is answered by that one's report."""
    if obligation.kind != Obligation.Kind.REPORT:
        raise ValidationError("Việc này không phải hạn báo cáo.", code="not_a_report")
    if obligation.merged_into_id is not None:
        obligation = Obligation.objects.select_related("directive", "unit").get(
            pk=obligation.merged_into_id
        )
    started = ProgressReport.objects.filter(obligation=obligation).first()
    if started is not None:
        return started
    # Work a closed unit still owes (not handed over) is seen, not started anew.
    _require_open(obligation.unit, None, CLOSED_REPORT)
    report, _ = ProgressReport.objects.get_or_create(
        obligation=obligation,
        defaults={"unit_id": obligation.unit_id, "campaign": obligation.directive.campaign},
    )
    return report


def _locked(report: ProgressReport) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("obligation", "obligation__milestone", "unit", "campaign")
        .get(pk=report.pk)
    )


def _require_editable(report: ProgressReport) -> None:
    if not report.is_editable:
        raise ValidationError(
            "Báo cáo đã gửi; chỉ sửa được khi cấp trên trả lại.", code="not_editable"
        )


@transaction.atomic
def report_update(*, actor: User | None, report: ProgressReport, **prose) -> ProgressReport:
    report = _locked(report)
    _require_editable(report)
    unknown = set(prose).difference(REPORT_PROSE)
    if unknown:
        raise TypeError(f"report_update does not set {sorted(unknown)}")
    for name, value in prose.items():
        setattr(report, name, _clean(value))
    report.save(update_fields=[*prose, "updated_at"])
    return report


def _number(report: ProgressReport, day: datetime.date) -> None:
    """The report's number from its unit's "BC" counter for the term: taken once, kept after a
    return, so that a report resubmitted is the same document."""
    if report.number is not None:
        return
    kind = report_kind()
    report.term_label = term_for(report.unit, day)
    report.number = next_document_number(
        issuer=report.unit, kind=kind, term_label=report.term_label
    )
    report.symbol = document_symbol(
        number=report.number, type_code=kind.code, issuer_code=report_symbol_code(report.unit)
    )


@transaction.atomic
def report_submit(
    *, actor: User | None, report: ProgressReport, channel: str = ""
) -> ProgressReport:
    """Send the report up: it is numbered, figures are computed now and frozen into it, the
    obligation is met. A report to an issuer outside the portal is recorded as sent on `channel`
    instead of waiting for a review."""
    report = _locked(report)
    _require_editable(report)
    if not report.assessment.strip():
        raise ValidationError(
            "Chưa có phần đánh giá công tác lãnh đạo, chỉ đạo, tổ chức thực hiện.",
            code="no_assessment",
        )
    outside = report.goes_outside
    if outside and channel not in ProgressReport.Channel.values:
        raise ValidationError(
            {"channel": "Chọn hình thức gửi báo cáo đến cơ quan ngoài Cổng."}, code="no_channel"
        )
    now = timezone.now()
    again = report.first_submitted_at is not None
    _number(report, timezone.localdate(now))
    report.figures = report_figures(report)
    report.status = ProgressReport.Status.SENT if outside else ProgressReport.Status.SUBMITTED
    report.submitted_at = now
    report.submitted_by = actor
    report.first_submitted_at = report.first_submitted_at or now
    if outside:
        report.sent_on, report.sent_channel = timezone.localdate(now), channel
    report.save(
        update_fields=[
            "number",
            "symbol",
            "term_label",
            "figures",
            "status",
            "submitted_at",
            "submitted_by",
            "first_submitted_at",
            "sent_on",
            "sent_channel",
            "updated_at",
        ]
    )
    # Those merged into it (a predecessor's, handed over) are met with it.
    Obligation.objects.filter(
        Q(pk=report.obligation_id) | Q(merged_into_id=report.obligation_id)
    ).update(fulfilled_at=now)
    record_event(
        kind=EventKind.REPORT_SENT if outside else EventKind.REPORT_SUBMITTED,
        actor=actor,
        unit=report.unit,
        target=report,
        data={"again": again},
    )
    return report


@transaction.atomic
def report_return(*, actor: User | None, report: ProgressReport, comment: str) -> ProgressReport:
    """Send a submitted report back for correction, saying why."""
    report = _locked(report)
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ValidationError("Chỉ trả lại được báo cáo đã gửi.", code="not_submitted")
    if not comment.strip():
        raise ValidationError(
            "Trả lại báo cáo phải ghi lý do, để đơn vị biết cần sửa gì.", code="no_comment"
        )
    report.status = ProgressReport.Status.RETURNED
    report.review_comment = _clean(comment)
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.save(
        update_fields=["status", "review_comment", "reviewed_at", "reviewed_by", "updated_at"]
    )
    Obligation.objects.filter(
        Q(pk=report.obligation_id) | Q(merged_into_id=report.obligation_id)
    ).update(fulfilled_at=None)
    record_event(
        kind=EventKind.REPORT_RETURNED,
        actor=actor,
        unit=report.unit,
        target=report,
        data={"comment": report.review_comment},
    )
    return report


@transaction.atomic
def report_accept(*, actor: User | None, report: ProgressReport) -> ProgressReport:
    report = _locked(report)
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ValidationError("Chỉ tiếp nhận được báo cáo đã gửi.", code="not_submitted")
    report.status = ProgressReport.Status.ACCEPTED
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
    record_event(kind=EventKind.REPORT_ACCEPTED, actor=actor, unit=report.unit, target=report)
    return report


# ---------------------------------------------------------------------------- notifications


@transaction.atomic
def notification_preferences_set(*, actor: User, channels: dict[str, str]) -> None:
    """Keep the actor's e-mail choice per kind of event: a row only where it differs from the
    kind's default, so a default changed later reaches everyone who never chose."""
    for kind, channel in channels.items():
        if kind not in DEFAULT_CHANNELS or channel not in EmailChannel.values:
            raise ValidationError("Lựa chọn không hợp lệ.", code="bad_channel")
        if channel == DEFAULT_CHANNELS[kind]:
            NotificationPreference.objects.filter(user=actor, kind=kind).delete()
        else:
            NotificationPreference.objects.update_or_create(
                user=actor, kind=kind, defaults={"channel": channel}
            )


def notification_mark_read(*, actor: User, notifications) -> int:
    """Mark the actor's unread notifications among these as read; how many were."""
    ids = [n.pk for n in notifications] if isinstance(notifications, list) else None
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    else:
        unread = unread.filter(pk__in=notifications.values("pk"))
    return unread.update(read_at=timezone.now())
