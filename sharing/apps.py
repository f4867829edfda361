from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "Share links"

    def ready(self):
        from sharing import services, views
        from workspaces import handover, settings_sections

        # Removing a member asks whether the links they made keep working (handed to someone
        # who stays) or stop (nobody).
        handover.register(handover.Provider(holdings=services.link_holdings, hand_over=services.links_hand_over))
        settings_sections.register(
            settings_sections.Section(key="sharing", template="sharing/settings_section.html", context=views.section)
        )
