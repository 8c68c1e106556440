"""Keeping the search index in step with the documents it finds.

Each document kind has a loader (its rows, with what its entry reads, in one query) and a builder
(the entry's values, read from model fields only, so that a migration can run them on its
historical models). Saves and deletes reach the index through signals connected in
ReportsConfig.ready(): the services that write directives, reports and materials stay unaware
of the search, and a document written in a transaction is indexed in that same transaction.

Writes that bypass signals: `QuerySet.update()` and `bulk_create()`. The only such write of a
searched field is issuing's `update(status="replaced")` of the directive being replaced; the
replacing directive's own save re-indexes it (see `_directive_saved`). Anything else (a bulk
import, a renamed unit, the demo's back-dated reports) is caught up by `manage.py rebuild_search`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import SearchEntry
from .text import joined, words

Kind = SearchEntry.Kind
BATCH = 1000
UPDATED = [
    f.name for f in SearchEntry._meta.concrete_fields if f.name not in {"id", "kind", "object_id"}
]


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def _label(model: type[Model], field: str, value: str) -> str:
    choices = getattr(model._meta.get_field(field), "choices", None) or ()
    return str(dict(choices).get(value, value))


# ---------------------------------------------------------------------------- builders


def _folded(*, symbol: str, title: list[str], names: list[str], body: list[str]) -> dict[str, str]:
    """The folded columns; each text is folded once."""
    found = [words(" ".join(p for p in parts if p)) for parts in ([symbol], title, names, body)]
    return {
        "folded_symbol": joined(found[0]),
        "folded_title": joined(found[1]),
        "folded_names": joined(found[2]),
        "folded": joined([w for part in found for w in part]),
    }


def _directive_entry(directive: Any) -> dict[str, Any]:
    label = directive.kind.name
    names = [
        directive.issuer_name,
        directive.issuing_body,
        directive.superior_body,
        directive.signer_name,
    ]
    body = "\n".join(p for p in (directive.basis, directive.body) if p)
    return {
        "unit_id": directive.issuer_id,
        "addressee_id": None,
        "registrar_id": None,
        "sent": directive.status != "draft",
        "campaign_pk": directive.campaign_id,
        "label": label,
        "symbol": directive.symbol,
        "title": directive.subject,
        "issuer": directive.issuer_name or directive.issuing_body,
        "signer": directive.signer_name,
        "status": _label(type(directive), "status", directive.status),
        "date": directive.issue_date or _day(directive.created_at) or timezone.localdate(),
        "body": body,
        **_folded(
            symbol=directive.symbol, title=[label, directive.subject], names=names, body=[body]
        ),
    }


def _report_entry(report: Any) -> dict[str, Any]:
    directive = report.obligation.directive
    label = "Báo cáo"
    answered = " ".join(p for p in (directive.kind.name, directive.symbol) if p)
    title = f"Kết quả thực hiện {answered}: {directive.subject}"
    body = "\n".join(
        p for p in (report.assessment, report.strengths, report.limits, report.proposals) if p
    )
    return {
        "unit_id": report.unit_id,
        "addressee_id": directive.issuer_id,
        "registrar_id": report.obligation.recipient.registered_by_id,
        "sent": False,
        "campaign_pk": report.campaign_id,
        "label": label,
        "symbol": report.symbol,
        "title": title,
        "issuer": report.unit.name,
        "signer": "",
        "status": _label(type(report), "status", report.status),
        "date": _day(report.first_submitted_at) or _day(report.created_at) or timezone.localdate(),
        "body": body,
        **_folded(
            symbol=report.symbol,
            title=[label, title],
            names=[report.unit.name, report.unit.short_name],
            body=[body],
        ),
    }


def _material_entry(material: Any) -> dict[str, Any]:
    label = _label(type(material), "kind", material.kind)
    return {
        "unit_id": material.campaign.owner_id,
        "addressee_id": None,
        "registrar_id": None,
        "sent": False,
        "campaign_pk": material.campaign_id,
        "label": label,
        "symbol": "",
        "title": material.title,
        "issuer": material.campaign.title,
        "signer": "",
        "status": "",
        "date": _day(material.created_at) or timezone.localdate(),
        "body": "",
        **_folded(symbol="", title=[label, material.title], names=[], body=[]),
    }


@dataclass(frozen=True)
class Source:
    """Where one kind of document comes from and how its entry is built."""

    app_label: str
    model_name: str
    related: tuple[str, ...]
    build: Callable[[Any], dict[str, Any]]
    unread: tuple[str, ...] = ()  # long columns the entry does not read

    def rows(self, apps: Apps) -> QuerySet:
        model = apps.get_model(self.app_label, self.model_name)
        rows = model._default_manager.select_related(*self.related).order_by("pk")
        return rows.defer(*self.unread) if self.unread else rows


SOURCES: dict[str, Source] = {
    Kind.DIRECTIVE: Source("campaigns", "Directive", ("kind",), _directive_entry),
    Kind.REPORT: Source(
        "reports",
        "ProgressReport",
        ("unit", "obligation__directive__kind", "obligation__recipient"),
        _report_entry,
        unread=(
            "figures",
            *(
                f"obligation__directive__{name}"
                for name in ("body", "basis", "audience", "recipient_lines")
            ),
        ),
    ),
    Kind.MATERIAL: Source("campaigns", "StudyMaterial", ("campaign",), _material_entry),
}


def _entries(kind: str, rows: Iterable[Any], entry_model: type[Model]) -> Iterator[Model]:
    build = SOURCES[kind].build
    for row in rows:
        yield entry_model(kind=kind, object_id=row.pk, **build(row))


def _upsert(entry_model: type[Model], entries: list[Model]) -> None:
    entry_model._default_manager.bulk_create(
        entries,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=UPDATED,
    )


# ---------------------------------------------------------------------------- writing the index


def index_documents(kind: str, pks: Iterable[int], *, apps: Apps = global_apps) -> None:
    """(Re)write the entries of these documents; a document no longer there loses its entry."""
    wanted = set(pks)
    if not wanted:
        return
    entry_model = apps.get_model("reports", "SearchEntry")
    rows = list(SOURCES[kind].rows(apps).filter(pk__in=wanted))
    _upsert(entry_model, list(_entries(kind, rows, entry_model)))
    gone = wanted - {row.pk for row in rows}
    if gone:
        entry_model._default_manager.filter(kind=kind, object_id__in=gone).delete()


def unindex_documents(kind: str, pks: Iterable[int]) -> None:
    SearchEntry.objects.filter(kind=kind, object_id__in=list(pks)).delete()


def rebuild_search(*, apps: Apps = global_apps) -> dict[str, int]:
    """Write the whole index anew from the documents; how many entries of each kind.

    What `manage.py rebuild_search` and migration 0009 run; safe to run at any time (inside
    one transaction when the caller holds one: searches see the old index until it commits).
    """
    entry_model = apps.get_model("reports", "SearchEntry")
    entry_model._default_manager.all().delete()
    counts: dict[str, int] = {}
    for kind, source in SOURCES.items():
        batch: list[Model] = []
        counts[kind] = 0
        for entry in _entries(kind, source.rows(apps).iterator(chunk_size=BATCH), entry_model):
            batch.append(entry)
            if len(batch) == BATCH:
                entry_model._default_manager.bulk_create(batch)
                counts[kind] += len(batch)
                batch = []
        entry_model._default_manager.bulk_create(batch)
        counts[kind] += len(batch)
    return counts


# ---------------------------------------------------------------------------- signals


def _directive_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # fixtures: rows may arrive before what they refer to; rebuild_search afterwards
        return
    # Issuing a replacement retires the replaced directive with QuerySet.update(), which sends
    # no signal; the replacement's own save follows it in the same transaction.
    index_documents(Kind.DIRECTIVE, [pk for pk in (instance.pk, instance.replaces_id) if pk])


def _report_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        index_documents(Kind.REPORT, [instance.pk])


def _material_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        index_documents(Kind.MATERIAL, [instance.pk])


def _campaign_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A campaign's title is shown beside each of its materials."""
    if not raw and not kwargs.get("created"):
        index_documents(Kind.MATERIAL, instance.materials.values_list("pk", flat=True))


def _deleted(kind: str) -> Callable[..., None]:
    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        unindex_documents(kind, [instance.pk])

    return receiver


def connect_signals() -> None:
    """Connected once, from ReportsConfig.ready()."""
    from campaigns.models import Campaign, Directive, StudyMaterial
    from reports.models import ProgressReport

    for model, saved, kind in (
        (Directive, _directive_saved, Kind.DIRECTIVE),
        (ProgressReport, _report_saved, Kind.REPORT),
        (StudyMaterial, _material_saved, Kind.MATERIAL),
    ):
        post_save.connect(saved, sender=model, dispatch_uid=f"search-{kind}-saved")
        post_delete.connect(
            _deleted(kind), sender=model, weak=False, dispatch_uid=f"search-{kind}-deleted"
        )
    post_save.connect(_campaign_saved, sender=Campaign, dispatch_uid="search-campaign-saved")
