from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from django.conf import settings

        from notifications import checks, notify  # noqa: F401  (checks registers itself)
        from notifications.models import Webhook
        from workspaces import handover

        # Whoever leaves a workspace stops hearing from it: its notifications leave their list.
        handover.register(handover.Provider(holdings=lambda membership: [], hand_over=notify.hand_over_notifications))
        # The webhook's signing secret is read by admins: replaced when one leaves, if asked.
        handover.register_secret(
            handover.Secret(
                key="webhook",
                label="The webhook's signing secret",
                effect="A new secret; the old one signs beside it (X-Lockstep-Signature-Previous) for "
                f"{settings.WEBHOOK_SECRET_OVERLAP_HOURS} hours while the receiver switches.",
                exists=lambda workspace: Webhook.objects.filter(workspace=workspace, kind="json").exists(),
                rotate=notify.webhook_new_secret,
            )
        )
