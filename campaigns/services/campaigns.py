"""Writes to campaigns and their study materials."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from campaigns.documents.text import nfc
from campaigns.models import Campaign, StudyMaterial
from units.models import Unit, User

# What campaign_update may change, in the order the campaign form shows it (after the owner,
# which is chosen once, at creation).
CAMPAIGN_FIELDS = ("title", "subject", "summary", "start_date", "end_date")


@transaction.atomic
def campaign_create(
    *,
    actor: User | None,
    owner: Unit,
    title: str,
    subject: str,
    start_date: datetime.date,
    end_date: datetime.date,
    summary: str = "",
) -> Campaign:
    campaign = Campaign(
        owner=owner,
        title=nfc(title.strip()),
        subject=nfc(subject.strip()),
        summary=nfc(summary.strip()),
        start_date=start_date,
        end_date=end_date,
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, actor: User | None, campaign: Campaign, **fields) -> Campaign:
    for name, value in fields.items():
        if name not in CAMPAIGN_FIELDS:
            raise TypeError(f"campaign_update does not set {name!r}")
        setattr(campaign, name, nfc(value.strip()) if isinstance(value, str) else value)
    campaign.full_clean()
    campaign.save(update_fields=list(fields))
    return campaign


@transaction.atomic
def material_add(
    *,
    actor: User | None,
    campaign: Campaign,
    title: str,
    kind: str,
    url: str = "",
    file: File | None = None,
) -> StudyMaterial:
    if not url and not file:
        raise ValidationError("Nhập đường dẫn hoặc chọn tệp cho tài liệu.", code="material_empty")
    material = StudyMaterial(
        campaign=campaign, title=nfc(title.strip()), kind=kind, url=url.strip()
    )
    if file:
        material.file = file
    material.full_clean()
    material.save()
    return material


@transaction.atomic
def material_delete(*, actor: User | None, material: StudyMaterial) -> None:
    if material.file:
        material.file.delete(save=False)
    material.delete()
