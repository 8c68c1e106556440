"""URLs of campaigns and directives; every view reaches its object through an access gatekeeper."""

from django.urls import path

from .views import campaigns, directives, imports, received, signing

app_name = "campaigns"

urlpatterns = [
    path("", campaigns.campaign_list, name="campaign_list"),
    path("new/", campaigns.campaign_create, name="campaign_create"),
    path("<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("<int:pk>/materials/add/", campaigns.material_add, name="material_add"),
    path("materials/<int:pk>/file/", campaigns.material_file, name="material_file"),
    path("materials/<int:pk>/delete/", campaigns.material_delete, name="material_delete"),
    path("directives/", directives.directive_list, name="directive_list"),
    path("directives/received/", received.received_list, name="received_list"),
    path("directives/new/", directives.directive_create, name="directive_create"),
    path("directives/<int:pk>/", directives.directive_detail, name="directive_detail"),
    path("directives/<int:pk>/edit/", directives.directive_edit, name="directive_edit"),
    path("directives/<int:pk>/preview/", directives.directive_preview, name="directive_preview"),
    path(
        "directives/<int:pk>/recipients/",
        directives.directive_recipients,
        name="directive_recipients",
    ),
    path(
        "directives/<int:pk>/milestones/",
        directives.directive_milestones,
        name="directive_milestones",
    ),
    path("directives/<int:pk>/issue/", directives.directive_issue, name="directive_issue"),
    path("directives/<int:pk>/delete/", directives.directive_delete, name="directive_delete"),
    path("directives/<int:pk>/replace/", directives.directive_replace, name="directive_replace"),
    path("directives/<int:pk>/pdf/", directives.directive_pdf, name="directive_pdf"),
    path("directives/<int:pk>/docx/", directives.directive_docx, name="directive_docx"),
    path("directives/<int:pk>/history/", directives.directive_history, name="directive_history"),
    path("directives/<int:pk>/sign/", signing.directive_sign, name="directive_sign"),
    path(
        "directives/<int:pk>/signed/upload/",
        signing.directive_upload_signed,
        name="directive_upload_signed",
    ),
    path(
        "directives/<int:pk>/pdf/unsigned/",
        signing.directive_pdf_unsigned,
        name="directive_pdf_unsigned",
    ),
    path("directives/<int:pk>/source/", received.directive_source, name="directive_source"),
    path("imports/new/", imports.import_upload, name="import_upload"),
    path("imports/<int:pk>/", imports.import_review, name="import_review"),
    path("imports/<int:pk>/discard/", imports.import_discard, name="import_discard"),
    path("received/<int:pk>/implement/", received.directive_implement, name="directive_implement"),
]
