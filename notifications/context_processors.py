from django.conf import settings
from django.utils.functional import SimpleLazyObject


def bell(request):
    """The unread count for the bell in the top bar, counted only if a page shows it (an
    htmx fragment never does)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from notifications.selectors import unread_count
    from workspaces.sessions import refused_workspaces

    return {
        "bell_unread": SimpleLazyObject(lambda: unread_count(user=user, refused=refused_workspaces(request))),
        "bell_poll_seconds": settings.NOTIFY_POLL_SECONDS,
    }
