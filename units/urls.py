"""URLs of the unit tree, memberships and imports."""

from django.urls import path

from . import bulk_views, views

app_name = "units"

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("<int:pk>/add/", views.unit_add_child, name="unit_add_child"),
    path("<int:pk>/rename/", views.unit_rename, name="unit_rename"),
    path("<int:pk>/move/", views.unit_move, name="unit_move"),
    path("<int:pk>/merge/", views.unit_merge, name="unit_merge"),
    path("<int:pk>/split/", views.unit_split, name="unit_split"),
    path("<int:pk>/close/", views.unit_close, name="unit_close"),
    path("<int:pk>/reorganisations/", views.reorganisation_list, name="reorganisation_list"),
    path("<int:pk>/export/", views.unit_export, name="unit_export"),
    path("<int:pk>/memberships/add/", views.membership_add, name="membership_add"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("import/", views.unit_import, name="import_form"),
    path("import/<int:pk>/", views.unit_import_detail, name="import_detail"),
    # The bulk reorganisation file (units/bulk_views.py).
    path(
        "<int:pk>/reorganise/file/",
        bulk_views.reorganise_batch_upload,
        name="reorganise_batch_upload",
    ),
    path(
        "reorganise/file-template/",
        bulk_views.reorganise_batch_template,
        name="reorganise_batch_template",
    ),
    path(
        "reorganise/files/<int:pk>/",
        bulk_views.reorganise_batch_detail,
        name="reorganise_batch_detail",
    ),
    path(
        "reorganise/files/<int:pk>/apply/",
        bulk_views.reorganise_batch_apply,
        name="reorganise_batch_apply",
    ),
]
