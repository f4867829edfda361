from django.apps import AppConfig


class LaunchesConfig(AppConfig):
    name = "launches"
    verbose_name = "Launches"

    def ready(self):
        import launches.receivers  # noqa: F401  (connects the receivers)

        # Removing a member (workspaces) hands over what they hold here too.
        from launches import selectors, services
        from workspaces import handover, workload

        handover.register(
            handover.Provider(
                holdings=selectors.launch_holdings,
                hand_over=services.hand_over_launches,
                notes=selectors.launch_removal_notes,
            )
        )
        # The workload counts open readiness items and launches owned.
        workload.register(selectors.workload_launches)
