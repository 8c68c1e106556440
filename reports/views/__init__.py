"""Pages of the reports app, one module per sub-domain: `sessions` (a unit's work page, its
sessions and propaganda), `progress_reports` (reports and their review), `dashboards` (the
leaders' dashboard and its export), `bell` (notifications), `search` (the search page) and
`signing` (signing a sent report)."""

from .bell import (
    notification_list,
    notification_read,
    notification_read_all,
    notification_settings,
)
from .dashboards import DashboardChoice, dashboard, dashboard_choice, dashboard_xlsx_view
from .progress_reports import report_detail, report_edit, report_pdf, report_review, report_start
from .sessions import (
    attachment_file,
    propaganda_create,
    propaganda_delete,
    propaganda_edit,
    session_create,
    session_delete,
    session_edit,
    unit_work,
)
from .signing import report_pdf_unsigned, report_sign

__all__ = [
    "DashboardChoice",
    "attachment_file",
    "dashboard",
    "dashboard_choice",
    "dashboard_xlsx_view",
    "notification_list",
    "notification_read",
    "notification_read_all",
    "notification_settings",
    "propaganda_create",
    "propaganda_delete",
    "propaganda_edit",
    "report_detail",
    "report_edit",
    "report_pdf",
    "report_pdf_unsigned",
    "report_review",
    "report_sign",
    "report_start",
    "session_create",
    "session_delete",
    "session_edit",
    "unit_work",
]
