"""Root URLs: home, health check, authentication, the apps, and the admin for superusers."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.static import serve

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (a PDF, the JSON of
    # /healthz): the same star as the pages' icon, one fixed file, no lookup by path.
    path(
        "favicon.ico",
        login_not_required(serve),
        {"path": "favicon.svg", "document_root": settings.BASE_DIR / "static"},
        name="favicon",
    ),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("units/", include("units.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Quản trị hệ thống – Cổng sinh hoạt chính trị"
admin.site.site_title = "Quản trị hệ thống"
