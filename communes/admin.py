from django.contrib import admin

from communes.models import AuditEntry, Commune, Province, Unit


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "province"]
    list_filter = ["province", "kind"]
    search_fields = ["name", "code"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "kind", "commune", "is_active"]
    list_filter = ["kind", "is_active", "commune__province", "commune"]
    search_fields = ["short_name", "name", "commune__name"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "actor",
        "action",
        "object_repr",
        "field",
        "old_value",
        "new_value",
        "commune",
    ]
    list_filter = ["action", "commune", "content_type"]
    search_fields = ["object_repr", "field", "reason", "actor__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
