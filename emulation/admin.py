from django.contrib import admin

from emulation.models import Criterion, ManualMark, Movement, MovementPhase, ScoreAdjustment


class PhaseInline(admin.TabularInline):
    model = MovementPhase
    extra = 0


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = ("name", "commune", "start_year", "end_year")
    list_filter = ("commune__province",)
    inlines = [PhaseInline]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "movement", "audience", "basis", "points", "maximum", "evaluated_over")
    list_filter = ("basis", "audience")
    raw_id_fields = ("indicator", "task")


@admin.register(ManualMark)
class ManualMarkAdmin(admin.ModelAdmin):
    list_display = ("criterion", "unit", "period_code", "points")


@admin.register(ScoreAdjustment)
class ScoreAdjustmentAdmin(admin.ModelAdmin):
    list_display = ("movement", "unit", "period_code", "points", "reason", "created_by")
