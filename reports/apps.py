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
