from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "raci"
    verbose_name = "RACI"

    def ready(self):
        import raci.receivers  # noqa: F401  (connects the receivers)
        from raci import selectors, services
        from workspaces import handover, workload

        handover.register(handover.Provider(holdings=selectors.raci_holdings, hand_over=services.hand_over_raci,
                                            role_uses=selectors.raci_role_uses))
        # The People page's workload counts each role's matrix letters.
        workload.register(selectors.workload_letters)
