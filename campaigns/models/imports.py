"""Directive files read and waiting for their reader to confirm them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A file read but never confirmed is deleted this many days after its upload.
PENDING_IMPORT_DAYS = 30


class DirectiveImport(models.Model):
    """A directive file read and waiting for its reader to check the fields and confirm.

    Only a file that reads as a directive gets a row; confirming turns it into a received
    Directive (the file moves there) and deletes the row, discarding deletes row and file, and
    one left unconfirmed is deleted after PENDING_IMPORT_DAYS (campaigns.tasks.expire_imports).
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directive_imports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    text = models.TextField(help_text=_("Chữ đọc được từ tệp, đã chuẩn hóa."))
    data = models.JSONField(help_text=_("Kết quả trích xuất (extract_directive)."))
    # A signed PDF's signatures as verification found them at upload (SignatureReport.as_dict()
    # each); [] for an unsigned file or one that is not a PDF. Carried to the directive.
    signatures = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("tệp văn bản chờ xác nhận")
        verbose_name_plural = _("tệp văn bản chờ xác nhận")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:import_review", args=[self.pk])

    @property
    def expires_on(self) -> datetime.date:
        """The last day it waits; the daily sweep deletes it the day after."""
        return timezone.localdate(self.created_at) + datetime.timedelta(days=PENDING_IMPORT_DAYS)
