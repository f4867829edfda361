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
        # The calendar feed's link is a secret its admins read: replaced when one leaves, if asked.
        handover.register_secret(
            handover.Secret(
                key="feed",
                label="The calendar feed's link",
                effect="A new link; the old one stops at once, so calendars subscribed to it must subscribe again.",
                exists=lambda workspace: selectors.feed_of(workspace=workspace) is not None,
                rotate=services.feed_token_regenerate,
            )
        )
        # Slack and Teams destinations can be routed by launch cycle.
        from notifications import routing

        routing.register_choices(
            "cycles", lambda workspace: [(c.pk, c.name) for c in workspace.launch_cycles.order_by("-year", "-quarter")]
        )
        # The channels' weekly digest lists the quarter's launches and what is overdue.
        from launches.digest import digest_sections
        from notifications import channel_digest

        channel_digest.register(digest_sections)
        # The workload counts open readiness items and launches owned.
        workload.register(selectors.workload_launches)
        # A matrix's row or column that gives readiness items their owner is not deleted unseen.
        from raci import dependents

        dependents.register(selectors.readiness_through)
