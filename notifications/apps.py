from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from notifications import notify
        from workspaces import handover

        # Whoever leaves a workspace stops hearing from it: its notifications leave their list.
        handover.register(handover.Provider(holdings=lambda membership: [], hand_over=notify.hand_over_notifications))
