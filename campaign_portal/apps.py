"""The project as an app: it owns the commands that assemble the apps below it (`seed_demo`)."""

from django.apps import AppConfig


class CampaignPortalConfig(AppConfig):
    name = "campaign_portal"
    verbose_name = "Cổng điều hành"
