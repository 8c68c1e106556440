"""Django admin for superusers (operators); unit administrators use the portal's own pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import DomainEvent, Membership, Unit, UnitImport, UnitKind, UnitNameRecord, User


def superusers_only(request) -> bool:
    """The admin bypasses units.access scoping, so only superusers may enter it at all."""
    return request.user.is_active and request.user.is_superuser


# The default site keeps its URLs and registry; only its entry check is replaced.
admin.site.has_permission = superusers_only  # type: ignore[method-assign]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Cổng", {"fields": ("full_name",)}))
    list_display = ["username", "full_name", "email", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    inlines = [MembershipInline]


@admin.register(UnitKind)
class UnitKindAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "counts_members",
        "issues_documents",
        "is_grassroots",
        "is_organ",
        "sort_order",
    ]


class UnitNameRecordInline(admin.TabularInline):
    model = UnitNameRecord
    extra = 0
    readonly_fields = [
        "name",
        "short_name",
        "symbol_code",
        "valid_from",
        "valid_until",
        "recorded_by",
    ]


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    form = movenodeform_factory(Unit)
    list_display = ["name", "code", "kind", "member_count", "is_active"]
    search_fields = ["name", "code"]
    list_filter = ["kind", "is_active"]
    inlines = [UnitNameRecordInline]

    def get_readonly_fields(self, request, obj=None):
        # A rename must go through the portal's "Đổi tên", which keeps the old name on record.
        return ["name", "short_name", "symbol_code"] if obj else []


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "position", "start_date", "end_date"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit"]
    search_fields = ["user__username", "user__full_name", "unit__name"]


@admin.register(UnitImport)
class UnitImportAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "created_by",
        "created_at",
        "status",
        "created_count",
        "updated_count",
    ]
    exclude = ["content"]
    readonly_fields = ["errors"]


@admin.register(DomainEvent)
class DomainEventAdmin(admin.ModelAdmin):
    """The outbox, as recorded: the services write it, the consumers mark it; nobody edits it."""

    list_display = [
        "created_at",
        "kind",
        "unit",
        "actor",
        "target_type",
        "target_id",
        "processed_at",
    ]
    list_filter = ["kind"]
    list_select_related = ["unit", "actor", "target_type"]
    search_fields = ["unit__name", "actor__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
