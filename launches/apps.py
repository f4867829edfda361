from django.apps import AppConfig


class LaunchesConfig(AppConfig):
    name = "launches"
    verbose_name = "Launches"

    def ready(self):
        # Removing a member (raci) hands over what they hold here too.
        from raci import handover

        from . import selectors, services

        handover.register(handover.Provider(holdings=selectors.launch_holdings, hand_over=services.hand_over_launches,
                                            role_uses=selectors.launch_role_uses,
                                            notes=selectors.launch_removal_notes))
