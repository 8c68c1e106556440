"""App config for campaigns and directives (built in a later issue)."""

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Đợt sinh hoạt và văn bản"
