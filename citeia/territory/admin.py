from django.contrib import admin

from .models import Commune, Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "siren", "kind", "seat"]
    search_fields = ["code", "name", "siren"]

    def has_delete_permission(self, request, obj=None):
        return False  # reference data, loaded by migration


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["insee_code", "name", "department_code", "territory", "population"]
    list_filter = ["territory", "department_code"]
    search_fields = ["insee_code", "name"]
    exclude = ["svg_path", "box_min_x", "box_min_y", "box_max_x", "box_max_y"]

    def has_delete_permission(self, request, obj=None):
        return False
