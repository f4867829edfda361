from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "raci"
    verbose_name = "RACI"

    def ready(self):
        from . import throttle  # noqa: F401  (connects the receiver that clears it on a new password)
        from . import handover, selectors, services

        handover.register(handover.Provider(holdings=selectors.raci_holdings, hand_over=services.hand_over_raci,
                                            role_uses=selectors.raci_role_uses))
