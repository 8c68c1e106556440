"""Django admin for superusers: the record of every reminder and digest, read-only."""

from django.contrib import admin

from .models import Digest, ProgressReport, Reminder, StudySession


class ReadOnlyAdmin(admin.ModelAdmin):
    """What was sent is on record; operators look, the services write."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["user", "obligation", "offset", "due_date", "day", "status", "sent_at"]
    list_filter = ["status", "day"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user", "obligation__recipient", "obligation__directive__kind"]


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["user", "day", "status", "attempts", "sent_at", "result"]
    list_filter = ["status", "day"]
    search_fields = ["user__username", "user__full_name"]


@admin.register(StudySession)
class StudySessionAdmin(ReadOnlyAdmin):
    list_display = ["unit", "campaign", "held_on", "form", "members_present", "member_count"]
    list_filter = ["form"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["unit", "campaign", "status", "first_submitted_at", "submitted_at"]
    list_filter = ["status"]
