"""App config for study sessions, progress reports and dashboards (built in a later issue)."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo và thống kê"
