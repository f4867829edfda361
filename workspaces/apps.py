from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "workspaces"
    verbose_name = "Workspaces"

    def ready(self):
        from workspaces import settings_sections, sign_in_views

        # First on the settings page after the workspace's own settings: who gets in, and how.
        settings_sections.register(
            settings_sections.Section(
                key=sign_in_views.KEY, template="workspaces/sign_in_section.html", context=sign_in_views.section_context
            )
        )
        from allauth.account.signals import user_logged_in

        from workspaces import sso_adapter

        # Every SSO sign-in (the first, which makes the account, too) applies its claims.
        user_logged_in.connect(sso_adapter.sso_signed_in, dispatch_uid="workspaces-sso-signed-in")
