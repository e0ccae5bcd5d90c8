"""Administration of the register: read-mostly views for support; writes go through the
pages (the workflow, versions and notifications live in services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


@admin.register(models.Record)
class RecordAdmin(SimpleHistoryAdmin):
    list_display = ["public_id", "name", "organisation", "status", "updated_at"]
    list_filter = ["status", "theme", "decision_type"]
    search_fields = ["public_id", "name", "organisation__name"]
    readonly_fields = ["public_id", "current_version", "status", "published_at", "risk_class"]
    raw_id_fields = ["organisation", "solution", "assessment_file"]


@admin.register(models.RecordVersion)
class RecordVersionAdmin(admin.ModelAdmin):
    list_display = ["record", "number", "status", "published_at", "is_current"]
    list_filter = ["status", "is_current"]
    search_fields = ["record__public_id", "name"]

    def has_change_permission(self, request, obj=None):
        return False  # published versions are never rewritten

    def has_add_permission(self, request):
        return False


@admin.register(models.RegisterSettings)
class RegisterSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "response_days", "retention_days"]
    raw_id_fields = ["organisation"]


@admin.register(models.ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    list_display = ["record", "status", "created_at"]
    list_filter = ["status"]
