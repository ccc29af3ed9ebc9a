from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["province", "commune", "unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Portal", {"fields": ("full_name", "job_title")}))
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "province", "commune", "unit", "is_active"]
    list_filter = ["role", "is_active", "province", "commune"]
    search_fields = [
        "user__username",
        "user__full_name",
        "user__email",
        "commune__name",
        "unit__short_name",
    ]
    autocomplete_fields = ["user", "province", "commune", "unit"]
