"""App config for campaigns, their study materials, and the directives issued and received under them."""

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Đợt sinh hoạt và văn bản"
