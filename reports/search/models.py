"""The search index: one row per document a user may look for, kept in step by reports.search.index."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """A directive, report or study material as the search finds and shows it.

    Denormalised on purpose, so that one query over one table finds, filters and ranks: the
    document's words folded (reports.search.text), what a result line shows, and the units
    through which users see it, which reports.search.access reads with the gatekeepers' rules.
    On PostgreSQL the table also has `document`, a tsvector generated from `folded` (GIN index),
    and a trigram index on `folded_symbol` (migration 0009); the model does not declare them, so
    SQLite, which has neither, holds the same table otherwise.
    """

    class Kind(models.TextChoices):
        DIRECTIVE = "directive", _("Văn bản chỉ đạo")
        REPORT = "report", _("Báo cáo")
        MATERIAL = "material", _("Tài liệu sinh hoạt")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveIntegerField()
    # The units through which a user sees the document, copied so that the search filters its
    # hits in the same scan (reports.search.access.entries_visible_to reads them): its own unit
    # (a directive's issuer, a report's unit, a material's campaign owner), for a report the
    # unit it reports to and the unit that registered an outside directive; a directive that is
    # `sent` (issued or replaced) is also seen by its recipients' viewers.
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    addressee = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registrar = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent = models.BooleanField(default=False)
    # The campaign the document belongs to: a study material's page is its campaign's.
    campaign_pk = models.PositiveIntegerField()
    # What a result line shows, as the document states it.
    label = models.CharField(max_length=120)  # "Hướng dẫn", "Kế hoạch", "Báo cáo", …
    symbol = models.CharField(max_length=80, blank=True)
    title = models.TextField(blank=True)
    issuer = models.CharField(max_length=255, blank=True)
    signer = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=60, blank=True)
    date = models.DateField()
    body = models.TextField(blank=True)  # the prose the excerpt is cut from
    # Folded words (" 32 hd btgduk "): what a query is matched and ranked against.
    folded_symbol = models.CharField(max_length=255, blank=True)
    folded_title = models.TextField(blank=True)
    folded_names = models.TextField(blank=True)
    folded = models.TextField(blank=True)  # every word of the document, the above included

    class Meta:
        verbose_name = _("mục tìm kiếm")
        verbose_name_plural = _("mục tìm kiếm")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.symbol or self.title[:60]}"
