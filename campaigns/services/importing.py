"""Writes for directives received as files: keeping an upload for review, discarding it, and
confirming it as a received directive with what each recipient owes under it.

The extraction itself is ``campaigns.documents.extract`` (plain data, no database); the
suggestions shown on the review page are in ``campaigns.selectors.importing``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO, cast

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from campaigns.documents.extract import (
    DirectiveImportError,
    extract_directive_text,
    normalise_text,
    read_directive_file,
)
from campaigns.documents.text import Symbol, nfc, read_symbol, shorten
from campaigns.models import (
    Campaign,
    Directive,
    DirectiveImport,
    DirectiveKind,
    DirectiveRecipient,
    Milestone,
    StudyMaterial,
)
from campaigns.models.imports import PENDING_IMPORT_DAYS
from campaigns.selectors import held_directive, sends_to, term_for
from units.access import grants_for
from units.events import EventKind, record_event
from units.models import Unit, User, fold_for_search

from .campaigns import campaign_create
from .drafting import MilestoneData, milestone_row
from .issuing import counted_members, record_obligations
from .numbering import claim_document_number, register_incoming
from .signing import file_signatures

CAMPAIGN_DAYS = 180  # a new campaign's window when the directive states no later deadline


class AlreadyHeldError(DirectiveImportError):
    """The file is a directive the user can already open in the portal: they are sent to it
    instead of reviewing a second copy."""

    def __init__(self, directive: Directive) -> None:
        super().__init__(
            f"Cổng đã có văn bản số {directive.symbol} ngày {directive.issue_date:%d/%m/%Y}: "
            "không nhập lại, hãy mở văn bản đã có.",
            code="already_held",
        )
        self.directive = directive


@transaction.atomic
def import_upload(*, actor: User, upload: UploadedFile) -> DirectiveImport:
    """Read the file and keep it for review; a file that is not a directive, or one the portal
    already holds for the user, stores nothing.

    Raises ``DirectiveImportError`` (``AlreadyHeldError`` for a copy) with the message for the
    user.
    """
    name = Path(upload.name or "").name[:255] or "van-ban"
    text = read_directive_file(cast(BinaryIO, upload), name)  # an upload is an open binary file
    data = extract_directive_text(text)
    if (held := held_directive(actor, data)) is not None:
        raise AlreadyHeldError(held)
    upload.seek(0)
    job = DirectiveImport(
        created_by=actor,
        original_name=name,
        text=normalise_text(text),
        data=data,
        # A signed PDF is verified as it arrives: the review page and the document show it.
        signatures=file_signatures(upload),
    )
    job.file.save(name, upload, save=False)
    try:
        with transaction.atomic():
            job.save()
    except Exception:
        job.file.delete(save=False)  # no row, no file
        raise
    return job


@transaction.atomic
def import_discard(*, actor: User, job: DirectiveImport) -> None:
    """Delete the waiting file. Locked like a confirm, so one of the two wins; the file goes
    only once the row's deletion is committed."""
    locked = DirectiveImport.objects.select_for_update().filter(pk=job.pk).first()
    if locked is None:
        return  # confirmed or discarded meanwhile: the file belongs to a directive, or is gone
    storage, name = locked.file.storage, locked.file.name
    locked.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def import_confirm(
    *,
    actor: User,
    job: DirectiveImport,
    campaign: Campaign | None,
    campaign_title: str = "",
    kind: DirectiveKind,
    issuer: Unit | None,
    symbol: str,
    issue_date: datetime.date,
    units: list[Unit],
    milestones: list[MilestoneData],
    implements: Iterable[Directive] = (),
    **fields: Any,
) -> Directive:
    """Store the checked fields as a received directive, issued as it arrived, with its file,
    its milestones, and what each chosen unit owes under it (as issuing records it).

    ``campaign`` None starts one named ``campaign_title``, owned by the first chosen unit.
    ``implements``: the directives of its basis already in the portal (``basis_directives``).
    ``issuer``, a portal unit, is kept only if it could have sent to every chosen unit (its
    staff then follow and review the units' work); otherwise the directive is from an outside
    issuer, known by ``issuer_name``. Refused when one of the units already holds a directive
    with this number and date, when a milestone falls outside a chosen campaign, or when the
    import was confirmed or discarded meanwhile.
    """
    locked = DirectiveImport.objects.select_for_update().filter(pk=job.pk).first()
    if locked is None:
        raise ValidationError("Tệp này đã được xác nhận hoặc đã hủy.", code="gone")
    # A document that bears no number at all is registered without one, as a clerk would.
    parts = read_symbol(symbol) if symbol.strip() else Symbol(None, kind.code, "", "")
    if parts is None:
        raise ValidationError(
            "Số, ký hiệu phải viết dạng 32-HD/BTGĐUK hoặc 45/KH-UBND.", code="bad_symbol"
        )
    symbol = parts.text
    if not units:
        raise ValidationError("Chọn ít nhất một đơn vị nhận trên Cổng.", code="no_units")
    # Two imports of one document for one unit: the second waits here and sees the first.
    list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units]).order_by("pk"))
    named_issuer = issuer  # the body the document names, for telling whether it is held already
    if issuer is not None and not sends_to(issuer, units, every=True):
        issuer = None
    deadlines = [_deadline(m) for m in milestones if m.due_date or m.due_month]
    if campaign is not None and any(
        not campaign.start_date <= day <= campaign.end_date for day in deadlines
    ):
        raise ValidationError(
            f"Có mốc thời gian nằm ngoài đợt sinh hoạt “{campaign.title}” "
            f"({campaign.start_date:%d/%m/%Y} – {campaign.end_date:%d/%m/%Y}): chọn đợt khác "
            "hoặc tạo đợt mới từ văn bản này.",
            code="milestone_outside_campaign",
        )
    # One document: the same issuing body, number and date. A copy whose number was left blank
    # cannot be told from another: it is entered as its own.
    copies: list[Directive] = []
    if parts.number is not None:
        _lock_document_key(symbol, issue_date)
        copies = held_copies(symbol, issue_date, named_issuer, fields.get("issuer_name") or "")
        duplicate = (
            DirectiveRecipient.objects.filter(directive__in=copies, unit__in=units)
            .select_related("directive", "unit")
            .first()
        )
        if duplicate is not None:
            raise ValidationError(
                f"{duplicate.unit.name} đã có văn bản số {duplicate.directive.symbol} ngày "
                f"{issue_date:%d/%m/%Y} trên Cổng: không nhập lại.",
                code="duplicate",
            )
    today = timezone.localdate()
    first_due = min(deadlines, default=None)
    office = registering_unit(actor, units)
    held = next((d for d in copies if d.status == Directive.Status.ISSUED), None)
    if held is not None:
        # The portal already holds this document (issued here or imported by another unit):
        # these units are entered as its recipients, and nobody gets a second copy.
        recipients = _receive(held, units, office)
        register_incoming(recipients, today, due=first_due)
        record_obligations(held, recipients)
        _forget(locked)
        record_event(
            kind=EventKind.IMPORT_CONFIRMED,
            actor=actor,
            unit=units[0],
            target=held,
            data={"units": [u.pk for u in units]},
        )
        return held
    term = ""
    if issuer is not None and parts.number is not None:
        term = term_for(issuer, issue_date)
        # The counter first: an issue of the same number waits, or has committed and is seen.
        claim_document_number(issuer=issuer, kind=kind, term_label=term, number=parts.number)
        taken = (
            Directive.objects.filter(issuer=issuer, kind=kind, term_label=term, number=parts.number)
            .exclude(status=Directive.Status.DRAFT)
            .first()
        )
        if taken is not None:
            raise ValidationError(
                f"Số {parts.number} của {issuer.name} đã dùng cho văn bản {taken.symbol} ngày "
                f"{taken.issue_date:%d/%m/%Y}: kiểm tra lại số, ký hiệu và ngày của văn bản.",
                code="number_taken",
            )
    if campaign is None:
        last = max(deadlines, default=None)
        campaign = campaign_create(
            actor=actor,
            owner=units[0],
            title=shorten(campaign_title or fields.get("subject") or symbol, 255),
            subject=fields.get("subject") or symbol,
            start_date=issue_date,
            end_date=max(last or issue_date, issue_date + datetime.timedelta(days=CAMPAIGN_DAYS)),
        )
        for material in locked.data.get("materials") or []:
            _material_add(campaign, material)
    now = timezone.now()
    directive = Directive(
        campaign=campaign,
        kind=kind,
        issuer=issuer,
        number=parts.number,
        symbol=symbol,
        symbol_code=parts.issuer[:40],
        term_label=term,
        issue_date=issue_date,
        status=Directive.Status.ISSUED,
        origin=Directive.Origin.IMPORTED,
        source_name=locked.original_name,
        created_by=actor,
        issued_by=actor,
        issued_at=now,
        signatures=locked.signatures,
        **{k: nfc(v) for k, v in fields.items()},
    )
    directive.source_file.name = locked.file.name  # the upload stays where it is, now the record's
    directive.full_clean(exclude=["source_file", "issued_pdf"])
    directive.save()
    for data in milestones:  # one by one, so that each has its history record
        milestone_row(directive, data).save()
    recipients = _receive(directive, units, office)
    register_incoming(recipients, today, due=first_due)
    record_obligations(directive, recipients)
    directive.implements.set(implements)
    locked.delete()  # the row only: its file now belongs to the directive
    record_event(
        kind=EventKind.IMPORT_CONFIRMED,
        actor=actor,
        unit=units[0],
        target=directive,
        data={"units": [u.pk for u in units]},
    )
    return directive


def held_copies(
    symbol: str, issue_date: datetime.date, issuer: Unit | None, issuer_name: str
) -> list[Directive]:
    """The portal's copies of one document, oldest first: the same number and date and the same
    issuing body (every commune's committee issues a "01/KH-UBND"), a portal issuer as the unit,
    an outside one by its name without tone marks or case."""
    found = Directive.objects.filter(symbol=symbol, issue_date=issue_date).exclude(
        status=Directive.Status.DRAFT
    )
    if issuer is not None:
        return list(found.filter(issuer=issuer).order_by("pk"))
    name = fold_for_search(issuer_name)
    return [
        d
        for d in found.filter(issuer__isnull=True).order_by("pk")
        if fold_for_search(d.issuer_name) == name
    ]


def _lock_document_key(symbol: str, issue_date: datetime.date) -> None:
    """Two imports of one document at the same moment: the second waits here for the first's
    commit, then finds it held (PostgreSQL; SQLite runs one writer at a time anyway)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"document:{symbol}:{issue_date}"]
        )


def _receive(
    directive: Directive, units: list[Unit], office: Unit | None
) -> list[DirectiveRecipient]:
    """The chosen units as recipients of the directive, with their names and members today,
    entered by `office` (the unit whose staff review their reports under an outside issuer)."""
    return DirectiveRecipient.objects.bulk_create(
        [
            DirectiveRecipient(
                directive=directive,
                unit=unit,
                unit_name=unit.name,
                member_count=counted_members(unit),
                registered_by=office,
            )
            for unit in units
        ]
    )


def _forget(job: DirectiveImport) -> None:
    """Drop a confirmed upload whose document the portal already held: row now, file on commit."""
    storage, name = job.file.storage, job.file.name
    job.delete()
    transaction.on_commit(lambda: storage.delete(name))


def registering_unit(actor: User, units: list[Unit]) -> Unit | None:
    """The office entering the document in its register: the deepest of the actor's own units
    above (or among) every chosen unit. None when there is none (a superuser without a unit):
    then no unit reviews another's reports under it."""
    own = sorted(
        {m.unit for m in grants_for(actor).memberships}, key=lambda u: u.depth, reverse=True
    )
    return next((unit for unit in own if all(u.path.startswith(unit.path) for u in units)), None)


def imports_expire(*, today: datetime.date | None = None) -> int:
    """Delete uploads left unconfirmed past their last day, rows now and files after the commit;
    how many went. A row being confirmed or discarded meanwhile is skipped (locked)."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=PENDING_IMPORT_DAYS)
    start = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    with transaction.atomic():
        stale = list(
            DirectiveImport.objects.select_for_update(skip_locked=True).filter(created_at__lt=start)
        )
        files = [(job.file.storage, job.file.name) for job in stale]
        DirectiveImport.objects.filter(pk__in=[job.pk for job in stale]).delete()
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
    return len(stale)


def _deadline(data: MilestoneData) -> datetime.date:
    """The last day of a milestone: its date, or its month's last day."""
    return Milestone(due_date=data.due_date, due_month=data.due_month).deadline


def _material_add(campaign: Campaign, material: dict[str, Any]) -> None:
    """A study material named in the directive, if its link is a valid one ("www.…" gets a
    scheme); a title without a usable link is kept without it."""
    url = (material.get("url") or "").strip()
    if url and not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I):
        url = f"https://{url}"
    row = StudyMaterial(campaign=campaign, title=shorten(material["title"], 500), url=url)
    try:
        row.full_clean()
    except ValidationError:
        row.url = ""
        row.full_clean()
    row.save()
