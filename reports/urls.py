"""URLs of sessions, propaganda items, progress reports, dashboards and the bell."""

from django.urls import path

from .views import bell, dashboards, progress_reports, registers, search, sessions, signing

app_name = "reports"

urlpatterns = [
    path("units/<int:pk>/work/", sessions.unit_work, name="unit_work"),
    path("units/<int:pk>/sessions/new/", sessions.session_create, name="session_create"),
    path("units/<int:pk>/propaganda/new/", sessions.propaganda_create, name="propaganda_create"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("propaganda/<int:pk>/edit/", sessions.propaganda_edit, name="propaganda_edit"),
    path("propaganda/<int:pk>/delete/", sessions.propaganda_delete, name="propaganda_delete"),
    path("sessions/<int:pk>/delete/", sessions.session_delete, name="session_delete"),
    path("attachments/<int:pk>/", sessions.attachment_file, name="attachment_file"),
    path("obligations/<int:pk>/report/", progress_reports.report_start, name="report_start"),
    path("<int:pk>/", progress_reports.report_detail, name="report_detail"),
    path("<int:pk>/edit/", progress_reports.report_edit, name="report_edit"),
    path("<int:pk>/review/", progress_reports.report_review, name="report_review"),
    path("dashboard/<int:pk>/", dashboards.dashboard, name="dashboard"),
    path("notifications/", bell.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", bell.notification_read, name="notification_read"),
    path("notifications/read-all/", bell.notification_read_all, name="notification_read_all"),
    path("notifications/settings/", bell.notification_settings, name="notification_settings"),
    path("<int:pk>/pdf/", progress_reports.report_pdf, name="report_pdf"),
    path("<int:pk>/sign/", signing.report_sign, name="report_sign"),
    path("<int:pk>/pdf/unsigned/", signing.report_pdf_unsigned, name="report_pdf_unsigned"),
    path("dashboard/<int:pk>/xlsx/", dashboards.dashboard_xlsx_view, name="dashboard_xlsx"),
    # The office registers: documents sent and received per unit and year.
    path("registers/outgoing/", registers.outgoing_choose, name="outgoing_choose"),
    path(
        "registers/outgoing/<int:pk>/", registers.outgoing_register_view, name="outgoing_register"
    ),
    path(
        "registers/outgoing/<int:pk>/xlsx/",
        registers.outgoing_register_xlsx,
        name="outgoing_register_xlsx",
    ),
    path(
        "registers/outgoing/<int:pk>/pdf/",
        registers.outgoing_register_pdf,
        name="outgoing_register_pdf",
    ),
    path("registers/incoming/", registers.incoming_choose, name="incoming_choose"),
    path(
        "registers/incoming/<int:pk>/", registers.incoming_register_view, name="incoming_register"
    ),
    path(
        "registers/incoming/<int:pk>/xlsx/",
        registers.incoming_register_xlsx,
        name="incoming_register_xlsx",
    ),
    path(
        "registers/incoming/<int:pk>/pdf/",
        registers.incoming_register_pdf,
        name="incoming_register_pdf",
    ),
    path(
        "registers/incoming/entry/<int:pk>/assign/",
        registers.incoming_assign,
        name="incoming_assign",
    ),
    path("search/", search.search, name="search"),
]
