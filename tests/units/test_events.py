"""The outbox of domain events: a service's change and its event commit or roll back together, and
the consumers' hooks run after the commit, never before it and never for a rollback."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from reports.tasks import queue_process_events
from units import events
from units.events import EventKind, on_recorded, record_event
from units.models import DomainEvent, Membership, Role
from units.services import membership_create, membership_end

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch) -> list[str]:
    """The hooks as a list this test owns: each after-commit run appends 'run'."""
    calls: list[str] = []
    monkeypatch.setattr(events, "_hooks", [])
    on_recorded(lambda: calls.append("run"))
    return calls


def test_a_membership_granted_is_recorded_with_its_actor_unit_and_target(tree, users):
    membership = membership_create(
        actor=users.admin, unit=tree.cell_a2, user=users.cell_secretary, role=Role.SECRETARY
    )

    event = DomainEvent.objects.get(kind=EventKind.MEMBERSHIP_GRANTED)
    assert (event.actor, event.unit, event.target) == (users.admin, tree.cell_a2, membership)
    assert event.target_type == ContentType.objects.get_for_model(Membership)
    assert event.processed_at is None
    assert str(event).startswith("Được phân công vai trò – Chi bộ Thanh tra")


def test_a_membership_ended_keeps_its_end_date_in_the_event(tree, users):
    membership = Membership.objects.get(user=users.cell_secretary)
    end = timezone.localdate() + datetime.timedelta(days=30)
    membership_end(actor=users.admin, membership=membership, end_date=end)

    event = DomainEvent.objects.get(kind=EventKind.MEMBERSHIP_ENDED)
    assert event.target == membership
    assert event.data == {"end_date": end.isoformat()}


def test_hooks_run_after_the_commit_not_before(
    tree, users, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            record_event(kind=EventKind.SESSION_LOGGED, actor=users.staff, unit=tree.bloc)
        assert heard == []  # the test's own transaction has not committed yet
    assert len(callbacks) == 1
    assert heard == ["run"]  # run as at the commit


def test_a_rolled_back_transaction_records_nothing_and_runs_no_hook(
    tree, users, heard, django_capture_on_commit_callbacks
):
    def change_that_fails() -> None:
        with transaction.atomic():
            record_event(kind=EventKind.SESSION_LOGGED, actor=users.staff, unit=tree.bloc)
            raise RuntimeError("the change failed after its event was recorded")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        change_that_fails()

    assert DomainEvent.objects.count() == 0
    assert callbacks == []
    assert heard == []


def test_the_reports_app_subscribes_its_consumer_once():
    assert events._hooks.count(queue_process_events) == 1
    on_recorded(queue_process_events)
    assert events._hooks.count(queue_process_events) == 1


def test_the_event_list_names_every_kind_in_vietnamese():
    assert len(EventKind.values) == 14
    assert EventKind.REPORT_RETURNED.label == "Báo cáo của đơn vị bị trả lại"


def _row_that_fails(users, unit, kind: EventKind) -> None:
    """A row of a file tried in its savepoint: it records an event, then is refused."""
    try:
        with transaction.atomic():
            record_event(kind=kind, actor=users.staff, unit=unit)
            raise RuntimeError("the row failed")
    except RuntimeError:
        pass


def test_a_transaction_recording_many_events_dispatches_once(
    tree, users, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for _ in range(3):
            with transaction.atomic():  # each in a savepoint, released
                record_event(kind=EventKind.SESSION_LOGGED, actor=users.staff, unit=tree.bloc)
        record_event(kind=EventKind.SESSION_LOGGED, actor=users.staff, unit=tree.bloc)

    assert DomainEvent.objects.count() == 4
    assert len(callbacks) == 1
    assert heard == ["run"]


def test_an_event_recorded_after_a_rolled_back_savepoint_still_dispatches(
    tree, users, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        # The first event registers the dispatch inside the row's savepoint, which goes with it:
        # the next event must register its own.
        _row_that_fails(users, tree.bloc, EventKind.SESSION_LOGGED)
        record_event(kind=EventKind.REPORT_SUBMITTED, actor=users.staff, unit=tree.bloc)

    assert list(DomainEvent.objects.values_list("kind", flat=True)) == [EventKind.REPORT_SUBMITTED]
    assert len(callbacks) == 1
    assert heard == ["run"]


def test_a_savepoint_rolled_back_after_the_dispatch_was_registered_keeps_it(
    tree, users, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        record_event(kind=EventKind.SESSION_LOGGED, actor=users.staff, unit=tree.bloc)
        _row_that_fails(users, tree.bloc, EventKind.REPORT_SUBMITTED)

    assert list(DomainEvent.objects.values_list("kind", flat=True)) == [EventKind.SESSION_LOGGED]
    assert len(callbacks) == 1
    assert heard == ["run"]
