from django.apps import AppConfig


class RitualsConfig(AppConfig):
    name = "rituals"
    verbose_name = "Rituals"

    def ready(self):
        import rituals.receivers  # noqa: F401  (connects the receivers)
        from rituals import handover as rituals_handover
        from rituals import selectors
        from workspaces import handover, workload

        # Removing a member hands over their seats at rituals too.
        handover.register(
            handover.Provider(
                holdings=rituals_handover.ritual_holdings,
                hand_over=rituals_handover.hand_over_rituals,
                role_uses=rituals_handover.ritual_role_uses,
            )
        )
        # The workload counts the meetings of the rituals each role runs.
        workload.register(selectors.workload_rituals)
