from django.contrib import admin

from indicators.models import Indicator, IndicatorGroup, ProvinceIndicator, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["year", "text", "comparator", "value", "value_max", "is_percent", "note"]


@admin.register(ProvinceIndicator)
class ProvinceIndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "unit_of_measure", "measure_kind", "province"]
    list_filter = ["province", "measure_kind"]
    search_fields = ["name", "code"]


@admin.register(IndicatorGroup)
class IndicatorGroupAdmin(admin.ModelAdmin):
    list_display = ["numeral", "title", "plan", "commune"]
    list_filter = ["commune"]
    search_fields = ["title"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "unit_of_measure",
        "measure_kind",
        "direction",
        "plan",
        "commune",
    ]
    list_filter = ["measure_kind", "direction", "is_heading", "commune__province", "commune"]
    search_fields = ["code", "name", "lead_text", "plan__document_number"]
    filter_horizontal = ["lead_units", "support_units"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "text", "comparator", "value", "value_max"]
    list_filter = ["year", "comparator", "commune"]
    search_fields = ["text", "indicator__name", "indicator__code"]
