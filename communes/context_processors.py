from communes.access import scope_for
from communes.models import Notification


def scope(request):
    """The caller's access scope, for menus that depend on the role, and the bell's unread count."""
    user = getattr(request, "user", None)
    context = {"portal_scope": scope_for(user)}
    if user is not None and user.is_authenticated:
        context["unread_notifications"] = lambda: Notification.objects.filter(
            user=user, read_at__isnull=True
        ).count()
    return context
