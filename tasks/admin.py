from django.contrib import admin

from tasks.models import Task, TaskSection


@admin.register(TaskSection)
class TaskSectionAdmin(admin.ModelAdmin):
    list_display = ["numeral", "title", "plan", "commune"]
    list_filter = ["commune"]
    search_fields = ["title"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "lead_text",
        "deadline_text",
        "due_date",
        "deadline_kind",
        "deadline_flagged",
        "status",
    ]
    list_filter = ["deadline_kind", "deadline_flagged", "status", "commune__province", "commune"]
    search_fields = ["code", "name", "lead_text", "support_text", "deadline_text"]
    filter_horizontal = ["lead_units", "support_units"]
