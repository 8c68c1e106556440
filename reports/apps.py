"""App config for study sessions, propaganda items, progress reports, dashboards and the bell."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo và thống kê"
