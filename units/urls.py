"""URLs of the unit tree, memberships and imports."""

from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("<int:pk>/add/", views.unit_add_child, name="unit_add_child"),
    path("<int:pk>/rename/", views.unit_rename, name="unit_rename"),
    path("<int:pk>/move/", views.unit_move, name="unit_move"),
    path("<int:pk>/export/", views.unit_export, name="unit_export"),
    path("<int:pk>/memberships/add/", views.membership_add, name="membership_add"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("import/", views.unit_import, name="import_form"),
    path("import/<int:pk>/", views.unit_import_detail, name="import_detail"),
]
