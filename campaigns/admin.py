"""Django admin for superusers: directive kinds and committee terms are data kept here.

Directives themselves are read-only here: they are written and issued through the portal's
services, which number them and freeze what they print.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Campaign, CommitteeTerm, Directive, DirectiveKind


@admin.register(DirectiveKind)
class DirectiveKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "has_title", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(CommitteeTerm)
class CommitteeTermAdmin(admin.ModelAdmin):
    list_display = ["unit", "label", "start_date", "end_date"]
    raw_id_fields = ["unit"]
    search_fields = ["unit__name", "unit__code", "label"]


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owner", "start_date", "end_date"]
    search_fields = ["title"]
    raw_id_fields = ["owner"]


@admin.register(Directive)
class DirectiveAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "issuer", "issue_date", "status"]
    list_select_related = ["kind", "issuer"]  # issuer is nullable: not followed by default
    list_filter = ["status", "kind"]
    search_fields = ["symbol", "subject"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
