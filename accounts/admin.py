from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import login_unlock, second_factor_reset, user_reactivate
from communes.audit import audit_record
from communes.models import Invitation, Membership


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
    actions = ["reactivate", "unlock_login", "reset_second_factor"]

    @admin.action(description=_("Reset the second factor of the selected accounts"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            second_factor_reset(actor=request.user, user=user)
        self.message_user(
            request,
            _("Second factor reset: the next login sets up a new one."),
            messages.SUCCESS,
        )

    @admin.action(description=_("Unlock the login of the selected accounts"))
    def unlock_login(self, request, queryset):
        for user in queryset:
            login_unlock(actor=request.user, user=user)
        self.message_user(request, _("Logins unlocked."), messages.SUCCESS)

    @admin.action(description=_("Reactivate the selected accounts"))
    def reactivate(self, request, queryset):
        users = list(queryset.filter(is_active=False))
        for user in users:
            user_reactivate(actor=request.user, user=user, reason=str(_("Django admin")))
        count = len(users)
        self.message_user(
            request,
            _("Accounts reactivated: %(count)d.") % {"count": count},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        # Deactivating or bringing back an account is an administrator's decision: audited.
        if change and "is_active" in form.changed_data:
            audit_record(
                actor=request.user,
                commune=None,
                obj=obj,
                field="is_active",
                old=not obj.is_active,
                new=obj.is_active,
                reason=str(_("Django admin")),
            )
        super().save_model(request, obj, form, change)


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


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "commune", "unit", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "commune"]
    search_fields = ["email", "full_name", "commune__name"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False  # invitations come from a commune's staff page, with their mail
