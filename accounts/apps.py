from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        import accounts.push  # noqa: F401  (connects the receivers that close streams when sessions end)
        import accounts.throttle  # noqa: F401  (connects the receiver that clears it on a new password)
        from accounts import events

        events.connect_two_factor()
