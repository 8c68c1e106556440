"""App config for the unit tree, users and access rules."""

from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "Đơn vị và người dùng"
