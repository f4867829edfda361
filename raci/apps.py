from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "raci"
    verbose_name = "RACI"

    def ready(self):
        from . import throttle  # noqa: F401  (connects the receiver that clears it on a new password)
