from django.contrib import admin

from plans.models import Plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "document_number",
        "commune",
        "period_start",
        "period_end",
        "status",
        "issue_date",
    ]
    list_filter = ["status", "commune__province", "commune"]
    search_fields = ["document_number", "title", "commune__name", "signer_name"]
