from django.contrib import admin

from push.models import PushDelivery, PushEndpoint


@admin.register(PushEndpoint)
class PushEndpointAdmin(admin.ModelAdmin):
    list_display = ["province", "url", "is_active", "updated_at"]
    exclude = ["token"]  # the secret is set from the province's settings page only


@admin.register(PushDelivery)
class PushDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "commune", "period_code", "revision", "status", "attempts"]
    list_filter = ["status"]
    raw_id_fields = ["province", "commune", "period"]
    readonly_fields = ["inserted_by", "claim", "claimed_at", "requeue_after", "created_at"]
