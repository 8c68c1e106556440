"""What a page costs in SQL time, so a query-bound test can bound a large case by a small one."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.http import HttpResponse
from django.test import Client

# A large case may spend this many times the small case's SQL time, plus SLACK_MS: generous, so
# a busy machine does not fail it, yet a join that multiplies two large tables (seconds) does.
FACTOR = 5
SLACK_MS = 50.0


@dataclass
class Cost:
    """The queries a block of code ran, each with its SQL text and its time in seconds."""

    queries: list[tuple[str, float]] = field(default_factory=list)

    def __repr__(self) -> str:  # what pytest prints of a failing test's locals
        return f"Cost({self.count} queries, {self.ms:.1f} ms)"

    @property
    def count(self) -> int:
        return len(self.queries)

    @property
    def ms(self) -> float:
        return sum(seconds for _, seconds in self.queries) * 1000

    def slowest(self, top: int = 3) -> str:
        ranked = sorted(self.queries, key=lambda query: query[1], reverse=True)[:top]
        return "\n".join(f"  {seconds * 1000:9.1f} ms  {sql[:300]}" for sql, seconds in ranked)


@contextmanager
def sql_cost() -> Iterator[Cost]:
    """Time every query run inside the block on the default connection (the test client's).

    On PostgreSQL the planner's statistics are refreshed first (ANALYZE, outside the timing),
    as autovacuum does in production: rows a test wrote inside its transaction are otherwise
    unknown to the planner, which then picks nested loops no production plan would take.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    cost = Cost()

    def timed(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            cost.queries.append((sql, time.perf_counter() - started))

    with connection.execute_wrapper(timed):
        yield cost


def request_cost(client: Client, url: str) -> tuple[Cost, HttpResponse]:
    """GET `url` as the client's user; the page must answer 200."""
    with sql_cost() as cost:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return cost, response


def assert_cost_bounded(small: Cost, large: Cost, *, what: str = "the large case") -> None:
    """The large case spends at most FACTOR × the small case's SQL time + SLACK_MS.

    A query count that stays flat can still hide a query whose work grows with the data (a
    join of two multi-valued relations counted DISTINCT); its time cannot.
    """
    bound = FACTOR * small.ms + SLACK_MS
    assert large.ms <= bound, (
        f"{what}: {large.ms:.1f} ms of SQL, more than {FACTOR} × {small.ms:.1f} ms "
        f"+ {SLACK_MS:.0f} ms; its slowest queries:\n{large.slowest()}"
    )
