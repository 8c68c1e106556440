"""Campaigns and the study materials attached to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.models import Unit


class Campaign(models.Model):
    """A study campaign around one subject: every directive, session and report about it."""

    title = models.CharField(
        _("tên đợt sinh hoạt"),
        max_length=255,
        help_text=_("Tên ngắn để nhận ra đợt sinh hoạt, ví dụ: Tác phẩm “Cây tre Việt Nam”."),
    )
    subject = models.TextField(
        _("nội dung sinh hoạt"),
        help_text=_("Ví dụ: tác phẩm “…” của Tổng Bí thư Nguyễn Phú Trọng."),
    )
    summary = models.TextField(_("tóm tắt"), blank=True)
    owner = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("đơn vị chủ trì")
    )
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("đợt sinh hoạt")
        verbose_name_plural = _("đợt sinh hoạt")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="campaign_end_after_start",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign_detail", args=[self.pk])


class StudyMaterial(models.Model):
    """A book, speech or bulletin studied in a campaign: a link, an uploaded file, or both."""

    class Kind(models.TextChoices):
        BOOK = "book", _("Sách, tác phẩm")
        SPEECH = "speech", _("Bài phát biểu")
        BULLETIN = "bulletin", _("Bản tin, thông tin nội bộ")
        OTHER = "other", _("Tài liệu khác")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("tên tài liệu"), max_length=500)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.BOOK)
    url = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    file = models.FileField(_("tệp đính kèm"), upload_to="materials/%Y/%m/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "pk"]
        verbose_name = _("tài liệu sinh hoạt")
        verbose_name_plural = _("tài liệu sinh hoạt")

    def __str__(self) -> str:
        return self.title
