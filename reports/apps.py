"""App config for study sessions, propaganda items, progress reports, dashboards and the bell."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo và thống kê"

    def ready(self) -> None:
        # The outbox lives in units (which imports nothing above it); its consumer lives here.
        from units.events import on_recorded

        from .tasks import queue_process_events

        on_recorded(queue_process_events)

        # A merger, split or closure hands the ended unit's open work over (units.services).
        from units.services import on_handover

        from .reorganisation import hand_over

        on_handover(hand_over)

        # The search index follows saves and deletes of the documents it finds.
        from django.db.backends.signals import connection_created

        from .search.index import connect_signals
        from .search.query import register_sqlite_functions

        connect_signals()
        connection_created.connect(register_sqlite_functions, dispatch_uid="search-sqlite")
