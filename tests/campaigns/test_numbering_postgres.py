"""Directives issued at the same moment by different connections never share or skip a number.

Each issue runs in its own thread, hence its own PostgreSQL connection and transaction, as two
requests would; SQLite serialises every writer and could not show a race.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connections, transaction

from campaigns import services
from campaigns.models import Directive, DirectiveRecipient, DocumentCounter, IncomingCounter
from tests.plugins.directives import directive_kind, make_draft

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

N = 8
TIMEOUT = 120  # seconds a thread may take; each renders a PDF while the counter is locked


def _drafts(campaign, tree, users, count: int) -> list[Directive]:
    """Complete drafts of the bloc's Propaganda Department, all guidance (HD), committed."""
    drafts = []
    for _ in range(count):
        draft = make_draft(campaign, tree.bloc_btg, users.staff)
        services.recipients_add(actor=users.staff, directive=draft, level="grassroots")
        drafts.append(draft)
    return drafts


def _in_thread(target: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    """A thread running `target` on its own connection, closed at the end; errors collected."""

    def run() -> None:
        try:
            target()
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    return threading.Thread(target=run, daemon=True)


def _join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "an issue hung"


def test_concurrent_issues_get_numbers_one_to_n(campaign, tree, users):
    drafts = _drafts(campaign, tree, users, N)
    barrier = threading.Barrier(N)
    numbers: dict[int, int] = {}
    errors: list[BaseException] = []

    def issue(draft: Directive) -> Callable[[], None]:
        def run() -> None:
            barrier.wait(TIMEOUT)
            numbers[draft.pk] = services.directive_issue(actor=users.staff, directive=draft).number

        return run

    threads = [_in_thread(issue(draft), errors) for draft in drafts]
    for thread in threads:
        thread.start()
    _join(threads)

    assert errors == []
    assert sorted(numbers.values()) == list(range(1, N + 1))
    stored = Directive.objects.filter(pk__in=[d.pk for d in drafts])
    assert sorted(stored.values_list("symbol", flat=True)) == [
        f"{n:02d}-HD/BTGĐUK" for n in range(1, N + 1)
    ]
    assert set(stored.values_list("status", flat=True)) == {Directive.Status.ISSUED}
    counter = DocumentCounter.objects.get(issuer=tree.bloc_btg, kind=directive_kind("HD"))
    assert counter.last_number == N


@pytest.mark.parametrize("earlier", [0, 1], ids=["counter-row-exists", "after-an-earlier-issue"])
def test_a_second_issue_waits_for_the_first_to_commit(campaign, tree, users, monkeypatch, earlier):
    """A has read the last number and holds the counter, uncommitted; B must wait for A's
    commit, then take the number after A's, never the same.

    A is stopped between reading the counter and writing it back: there, without the counter's
    row lock, B would read the same last number, issue it and commit while A waits. (A counter
    row still being inserted makes B's own insert wait whatever the lock: the 8-thread test
    covers the first number of a term.)
    """
    kind = directive_kind("HD")
    if earlier:
        (done,) = _drafts(campaign, tree, users, 1)
        services.directive_issue(actor=users.staff, directive=done)
    else:
        DocumentCounter.objects.create(issuer=tree.bloc_btg, kind=kind)
    first, second = _drafts(campaign, tree, users, 2)
    a_read, a_release, b_done = threading.Event(), threading.Event(), threading.Event()
    numbers: dict[str, int] = {}
    released_at: list[float] = []
    b_finished_at: list[float] = []
    errors: list[BaseException] = []
    save = DocumentCounter.save

    def save_after_a_is_released(counter: DocumentCounter, *args, **kwargs) -> None:
        if threading.current_thread() is thread_a:
            a_read.set()
            assert a_release.wait(TIMEOUT)
            released_at.append(time.monotonic())  # A's write and commit follow
        save(counter, *args, **kwargs)

    monkeypatch.setattr(DocumentCounter, "save", save_after_a_is_released)

    def issue_a() -> None:
        numbers["a"] = services.directive_issue(actor=users.staff, directive=first).number

    def issue_b() -> None:
        numbers["b"] = services.directive_issue(actor=users.staff, directive=second).number
        b_finished_at.append(time.monotonic())
        b_done.set()

    thread_a, thread_b = _in_thread(issue_a, errors), _in_thread(issue_b, errors)
    thread_a.start()
    assert a_read.wait(TIMEOUT), errors
    thread_b.start()
    # B renders its PDF in well under this when nothing holds it back.
    blocked = not b_done.wait(3)
    a_release.set()
    _join([thread_a, thread_b])

    assert blocked, "B issued while A held the counter it had read"
    assert errors == []
    assert b_finished_at[0] > released_at[0]
    assert (numbers["a"], numbers["b"]) == (earlier + 1, earlier + 2)
    assert sorted(
        Directive.objects.filter(pk__in=[first.pk, second.pk]).values_list("symbol", flat=True)
    ) == [f"{earlier + 1:02d}-HD/BTGĐUK", f"{earlier + 2:02d}-HD/BTGĐUK"]
    assert DocumentCounter.objects.get(issuer=tree.bloc_btg, kind=kind).last_number == earlier + 2


def test_the_counter_alone_hands_out_each_number_once(tree):
    """The counter's own lock, without the directive row's: each transaction holds its number a
    moment before committing, as an issue does while it renders the PDF."""
    kind = directive_kind("KH")
    barrier = threading.Barrier(N)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def take() -> None:
        barrier.wait(TIMEOUT)
        with transaction.atomic():
            numbers.append(
                services._next_number(Directive(issuer=tree.bloc_btg, kind=kind, term_label=""))
            )
            time.sleep(0.05)

    threads = [_in_thread(take, errors) for _ in range(N)]
    for thread in threads:
        thread.start()
    _join(threads)

    assert errors == []
    assert sorted(numbers) == list(range(1, N + 1))


def test_issues_of_different_issuers_do_not_wait_for_each_other(campaign, tree, users):
    """Numbers run per issuer: the bloc committee's issue need not wait for its department's."""
    # To different units: two documents to one unit meet at its incoming register (below).
    first = make_draft(campaign, tree.bloc_btg, users.staff)
    services.recipients_add(actor=users.staff, directive=first, units=[tree.grassroots_a])
    other = make_draft(campaign, tree.bloc, users.staff, symbol_code="ĐUK")
    services.recipients_add(actor=users.staff, directive=other, units=[tree.grassroots_b])
    a_issued, a_release, b_done = threading.Event(), threading.Event(), threading.Event()
    numbers: dict[str, str] = {}
    errors: list[BaseException] = []

    def issue_a() -> None:
        with transaction.atomic():
            numbers["a"] = services.directive_issue(actor=users.staff, directive=first).symbol
            a_issued.set()
            assert a_release.wait(TIMEOUT)

    def issue_b() -> None:
        numbers["b"] = services.directive_issue(actor=users.staff, directive=other).symbol
        b_done.set()

    thread_a, thread_b = _in_thread(issue_a, errors), _in_thread(issue_b, errors)
    thread_a.start()
    assert a_issued.wait(TIMEOUT), errors
    thread_b.start()
    finished_alone = b_done.wait(10)  # alone, it takes a second or two
    a_release.set()
    _join([thread_a, thread_b])

    assert errors == []
    assert finished_alone, "the bloc's issue waited for its department's transaction"
    assert numbers == {"a": "01-HD/BTGĐUK", "b": "01-HD/ĐUK"}


# ---------------------------------------------------------------------------- số đến


def test_concurrent_receipts_get_incoming_numbers_one_to_n(campaign, tree, users):
    """N documents arrive at one unit at the same moment, each in its own transaction holding
    its number a moment before committing: số đến 1 to N, none twice, none skipped."""
    rows = [
        DirectiveRecipient.objects.create(
            directive=make_draft(campaign, tree.bloc_btg, users.staff),
            unit=tree.grassroots_a,
            unit_name=tree.grassroots_a.name,
        )
        for _ in range(N)
    ]
    day = datetime.date(2026, 12, 3)
    barrier = threading.Barrier(N)
    errors: list[BaseException] = []

    def receive(row: DirectiveRecipient) -> Callable[[], None]:
        def run() -> None:
            barrier.wait(TIMEOUT)
            with transaction.atomic():
                services.register_incoming([row], day)
                time.sleep(0.05)

        return run

    threads = [_in_thread(receive(row), errors) for row in rows]
    for thread in threads:
        thread.start()
    _join(threads)

    assert errors == []
    numbers = DirectiveRecipient.objects.filter(pk__in=[r.pk for r in rows]).values_list(
        "incoming_number", flat=True
    )
    assert sorted(numbers) == list(range(1, N + 1))
    assert IncomingCounter.objects.get(unit=tree.grassroots_a, year=2026).last_number == N


def test_two_issuers_sending_to_one_unit_at_once_give_two_incoming_numbers(campaign, tree, users):
    """The bloc committee and its department issue to Sở Tài chính at the same moment: their
    document counters differ, the unit's register is one."""
    department = make_draft(campaign, tree.bloc_btg, users.staff)
    committee = make_draft(campaign, tree.bloc, users.staff, symbol_code="ĐUK")
    for draft in (department, committee):
        services.recipients_add(actor=users.staff, directive=draft, units=[tree.grassroots_a])
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def issue(draft: Directive) -> Callable[[], None]:
        def run() -> None:
            barrier.wait(TIMEOUT)
            services.directive_issue(actor=users.staff, directive=draft)

        return run

    threads = [_in_thread(issue(d), errors) for d in (department, committee)]
    for thread in threads:
        thread.start()
    _join(threads)

    assert errors == []
    assert sorted(
        DirectiveRecipient.objects.filter(unit=tree.grassroots_a).values_list(
            "incoming_number", flat=True
        )
    ) == [1, 2]
