"""Document kinds, committee terms and the counters that number documents per term."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Unit


class DirectiveKind(models.Model):
    """A document type ("HD" Hướng dẫn, "KH" Kế hoạch…): data, installed from the format profile."""

    code = models.CharField(_("ký hiệu loại"), max_length=10, unique=True)
    name = models.CharField(_("tên loại"), max_length=80)
    has_title = models.BooleanField(
        _("có tên loại ở đầu văn bản"),
        default=True,
        help_text=_("Công văn không in tên loại; trích yếu nằm dưới số, ký hiệu."),
    )
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CommitteeTerm(models.Model):
    """A committee's term (nhiệm kỳ): document numbers restart with each term, not each year.

    A term declared on a unit holds for its whole subtree unless a deeper unit declares its own.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="terms")
    label = models.CharField(_("nhiệm kỳ"), max_length=40, help_text=_("Ví dụ: 2020 – 2025."))
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "-start_date"]
        verbose_name = _("nhiệm kỳ")
        verbose_name_plural = _("nhiệm kỳ")

    def __str__(self) -> str:
        return f"{self.unit} – {self.label}"


class DocumentCounter(models.Model):
    """The last number given per issuing body, type and term; locked while a number is taken."""

    issuer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(DirectiveKind, on_delete=models.PROTECT, related_name="+")
    term_label = models.CharField(max_length=40, blank=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "term_label"], name="document_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id}/{self.kind_id}/{self.term_label}: {self.last_number}"


class IncomingCounter(models.Model):
    """The last số đến given in a unit's incoming register for a year; locked while one is taken,
    as DocumentCounter is for document numbers."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="incoming_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last_number}"
