"""URLs of sessions, propaganda items, progress reports and dashboards."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("units/<int:pk>/work/", views.unit_work, name="unit_work"),
    path("units/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("units/<int:pk>/propaganda/new/", views.propaganda_create, name="propaganda_create"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("propaganda/<int:pk>/edit/", views.propaganda_edit, name="propaganda_edit"),
    path("propaganda/<int:pk>/delete/", views.propaganda_delete, name="propaganda_delete"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
    path("obligations/<int:pk>/report/", views.report_start, name="report_start"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("<int:pk>/review/", views.report_review, name="report_review"),
    path("dashboard/<int:pk>/", views.dashboard, name="dashboard"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("dashboard/<int:pk>/xlsx/", views.dashboard_xlsx_view, name="dashboard_xlsx"),
]
