from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        from api import tokens, views
        from workspaces import handover, settings_sections

        # Removing a member lists their tokens, which stop working with the membership.
        handover.register(
            handover.Provider(
                holdings=tokens.token_holdings,
                hand_over=tokens.tokens_hand_over,
                notes=tokens.tokens_note,
                access_bound=tokens.tokens_by_member,
            )
        )
        # The workspace settings page links admins to every token of the workspace.
        settings_sections.register(
            settings_sections.Section(
                key="api_tokens", template="api/tokens_section.html", context=views.tokens_section
            )
        )
