"""URLs of campaigns and directives; every view reaches its object through units.access."""

from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/materials/add/", views.material_add, name="material_add"),
    path("materials/<int:pk>/file/", views.material_file, name="material_file"),
    path("materials/<int:pk>/delete/", views.material_delete, name="material_delete"),
    path("directives/", views.directive_list, name="directive_list"),
    path("directives/received/", views.received_list, name="received_list"),
    path("directives/new/", views.directive_create, name="directive_create"),
    path("directives/<int:pk>/", views.directive_detail, name="directive_detail"),
    path("directives/<int:pk>/edit/", views.directive_edit, name="directive_edit"),
    path("directives/<int:pk>/preview/", views.directive_preview, name="directive_preview"),
    path(
        "directives/<int:pk>/recipients/",
        views.directive_recipients,
        name="directive_recipients",
    ),
    path(
        "directives/<int:pk>/milestones/",
        views.directive_milestones,
        name="directive_milestones",
    ),
    path("directives/<int:pk>/issue/", views.directive_issue, name="directive_issue"),
    path("directives/<int:pk>/delete/", views.directive_delete, name="directive_delete"),
    path("directives/<int:pk>/replace/", views.directive_replace, name="directive_replace"),
    path("directives/<int:pk>/pdf/", views.directive_pdf, name="directive_pdf"),
    path("directives/<int:pk>/docx/", views.directive_docx, name="directive_docx"),
    path("directives/<int:pk>/history/", views.directive_history, name="directive_history"),
    path("directives/<int:pk>/source/", views.directive_source, name="directive_source"),
    path("imports/new/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_review, name="import_review"),
    path("imports/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("received/<int:pk>/implement/", views.directive_implement, name="directive_implement"),
]
