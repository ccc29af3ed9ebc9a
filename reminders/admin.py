from django.contrib import admin

from reminders.models import Reminder, ReminderPolicy, ReminderPreference


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["run_date", "user", "commune", "title", "step", "channel", "status", "sent_at"]
    list_filter = ["status", "channel", "subject", "audience", "run_date"]
    search_fields = ["title", "user__username", "user__full_name", "subject_key"]
    raw_id_fields = ["user", "commune", "unit", "task"]
    readonly_fields = ["inserted_by", "claim", "created_at"]


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ["commune", "is_active", "steps", "office_from_step", "leader_from_step"]


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "daily_digest"]
    raw_id_fields = ["user"]
