from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "raci"
    verbose_name = "RACI"

    def ready(self):
        import raci.receivers  # noqa: F401  (connects the receivers)
        from raci import selectors, services
        from workspaces import handover, workload

        handover.register(
            handover.Provider(
                holdings=selectors.raci_holdings, hand_over=services.hand_over_raci, role_uses=selectors.raci_role_uses
            )
        )
        # Slack and Teams destinations can be routed by matrix.
        from notifications import routing

        routing.register_choices(
            "matrices", lambda workspace: workspace.matrices.order_by("name").values_list("pk", "name")
        )
        # The channels' weekly digest tells what changed in ownership and the open findings.
        from notifications import channel_digest
        from raci.digest import digest_sections

        channel_digest.register(digest_sections)
        # The People page's workload counts each role's matrix letters.
        workload.register(selectors.workload_letters)
        # The workspace settings page shows the default matrix, which raci keeps.
        from raci.views.matrices import default_matrix_section
        from workspaces import settings_sections

        settings_sections.register(
            settings_sections.Section(
                key="default_matrix", template="raci/default_matrix_section.html", context=default_matrix_section
            )
        )
