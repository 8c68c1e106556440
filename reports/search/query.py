"""Finding, ranking and paging the search entries a user may open.

A hit is an entry the user may see (reports.search.access) that holds every word of the query
as a whole word: on PostgreSQL through the tsvector's GIN index, on SQLite through LIKE, over the
same folded words, hence the same documents. Hits are ranked by one integer score computed alike
on both databases: the symbol holds every word (100), the kind and subject hold every word (40),
the words as typed (20) and each word (5), the issuer, signer or unit hold every word (10); then
the newest first.

A query that looks like a number and symbol and finds nothing is tried again against symbols
only, by trigram similarity (pg_trgm's `%` and similarity(); on SQLite the same function in
Python, registered under the same name), most similar first: "32-HD/BTGĐU" finds 32-HD/BTGĐUK.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils.safestring import SafeString

from units.models import User

from .access import entries_visible_to, openable
from .models import SearchEntry
from .text import SIMILAR, Query, excerpt, highlight, similarity

Kind = SearchEntry.Kind
logger = logging.getLogger(__name__)
PAGE_SIZE = 25


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On each new SQLite connection, pg_trgm's similarity() under its own name."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("similarity", 2, similarity, deterministic=True)


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _all_words(field: str, query: Query) -> Q:
    return Q(*(Q(**{f"{field}__contains": f" {word} "}) for word in query.words))


def _matching(query: Query) -> Q:
    if _on_postgres():
        sql = '"reports_searchentry"."document" @@ to_tsquery(\'simple\'::regconfig, %s)'
        terms = " & ".join(f"'{word}'" for word in query.words)  # words hold no quote
        # S611: the SQL is fixed; the query's words go in as a parameter.
        return Q(RawSQL(sql, [terms], output_field=BooleanField()))  # noqa: S611
    return _all_words("folded", query)


def _score(query: Query) -> Any:
    def points(condition: Q, value: int) -> Case:
        return Case(When(condition, then=Value(value)), default=Value(0))

    score = (
        points(_all_words("folded_symbol", query), 100)
        + points(_all_words("folded_title", query), 40)
        + points(_all_words("folded_names", query), 10)
    )
    if len(query.words) > 1:
        score += points(Q(folded_title__contains=f" {query.phrase} "), 20)
        for word in query.words:
            score += points(Q(folded_title__contains=f" {word} "), 5)
    return score


def search_entries(user: User, query: Query) -> QuerySet[SearchEntry]:
    """The user's hits holding every word of the query, best first."""
    return (
        entries_visible_to(user)
        .filter(_matching(query))
        .annotate(score=_score(query))
        .order_by("-score", "-date", "kind", "-object_id")
    )


def similar_symbols(user: User, query: Query) -> QuerySet[SearchEntry]:
    """The user's entries whose symbol is similar to the query, most similar first."""
    closeness = Func(
        F("folded_symbol"), Value(query.phrase), function="similarity", output_field=FloatField()
    )
    if _on_postgres():
        # `%`: similarity ≥ pg_trgm.similarity_threshold (0.3), answered by the trigram index.
        sql = '"reports_searchentry"."folded_symbol" %% %s'  # `%%`: psycopg's escaped %
        similar = Q(RawSQL(sql, [query.phrase], output_field=BooleanField()))  # noqa: S611
    else:
        similar = Q(GreaterThanOrEqual(closeness, SIMILAR))
    return (
        entries_visible_to(user)
        .filter(similar)
        .annotate(score=closeness)
        .order_by("-score", "-date", "kind", "-object_id")
    )


@dataclass(frozen=True)
class Hit:
    """One result line: the entry, where it opens, and its texts with the words marked."""

    entry: SearchEntry
    url: str
    title: SafeString
    symbol: SafeString
    issuer: SafeString
    signer: SafeString
    excerpt: SafeString


def _url(entry: SearchEntry) -> str:
    if entry.kind == Kind.DIRECTIVE:
        return reverse("campaigns:directive_detail", args=[entry.object_id])
    if entry.kind == Kind.REPORT:
        return reverse("reports:report_detail", args=[entry.object_id])
    return reverse("campaigns:campaign_detail", args=[entry.campaign_pk])


def _hit(entry: SearchEntry, query: Query) -> Hit:
    return Hit(
        entry=entry,
        url=_url(entry),
        title=highlight(entry.title, query),
        symbol=highlight(entry.symbol, query),
        issuer=highlight(entry.issuer, query),
        signer=highlight(entry.signer, query),
        excerpt=excerpt(entry.body, query) if entry.body else SafeString(""),
    )


class SearchHits:
    """What the paginator pages. The count and the page's ids in rank order come from one query
    (a window count; long bodies never reach its sort), then the page's entries in one query,
    then the gatekeepers' word on them (one query per kind shown)."""

    def __init__(self, user: User, query: Query, number: int) -> None:
        self.user = user
        self.query = query
        self.similar = False  # nothing held every word: symbols similar to the query instead
        self._ranked = search_entries(user, query)
        self._window: tuple[int, int] | None = None
        self._ids: list[int] = []
        self._total = 0
        bottom = (max(number, 1) - 1) * PAGE_SIZE
        self._fetch(bottom)
        if not self._total and query.looks_like_symbol:
            self.similar = True
            self._ranked = similar_symbols(user, query)
            self._fetch(bottom)

    def _fetch(self, bottom: int) -> None:
        counted = self._ranked.annotate(total=Window(Count("pk")))
        rows = list(counted.values_list("pk", "total")[bottom : bottom + PAGE_SIZE])
        if rows:
            self._total = rows[0][1]
        elif bottom:  # past the last page: count, so that the paginator shows the last one
            self._total = self._ranked.count()
        else:
            self._total = 0
        self._window = (bottom, bottom + PAGE_SIZE)
        self._ids = [pk for pk, _ in rows]

    def count(self) -> int:
        return self._total

    def __getitem__(self, window: slice) -> list[Hit]:
        bottom = window.start or 0
        if self._window != (bottom, bottom + PAGE_SIZE):
            self._fetch(bottom)
        shown_columns = SearchEntry.objects.defer(
            "folded", "folded_title", "folded_names", "folded_symbol"
        )
        entries = shown_columns.in_bulk(self._ids)
        shown = [entries[pk] for pk in self._ids if pk in entries]
        allowed = openable(self.user, shown)
        if len(allowed) < len(shown):
            logger.warning(
                "search: the gatekeepers refused %d hit(s); run manage.py rebuild_search",
                len(shown) - len(allowed),
            )
        return [_hit(e, self.query) for e in shown if (e.kind, e.object_id) in allowed]


def search_page(user: User, query: Query, number: Any) -> tuple[Page, SearchHits]:
    """The page `number` (the first when it is not a page number) of the user's hits."""
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1
    hits = SearchHits(user, query, wanted)
    return Paginator(hits, PAGE_SIZE).get_page(wanted), hits  # type: ignore[arg-type]
