from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = "Chat (Slack and Teams)"

    def ready(self):
        from chat import asides
        from raci import page_asides
        from workspaces import settings_sections

        # The matrix page shows what people ask about most (read from the cache alone).
        page_asides.register(
            page_asides.Aside(key="most_asked", template="chat/most_asked_aside.html", context=asides.most_asked)
        )
        # The workspace settings page points admins to the chat set-up.
        settings_sections.register(
            settings_sections.Section(key="chat", template="chat/settings_section.html", context=asides.settings_link)
        )
