from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Workshops"

    def ready(self):
        from workshops import selectors, services
        from workspaces import handover

        # A member who leaves hands over the workshops they facilitate.
        handover.register(
            handover.Provider(holdings=selectors.workshop_holdings, hand_over=services.hand_over_workshops)
        )
