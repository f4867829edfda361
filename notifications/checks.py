"""`manage.py check --deploy` warns when Slack's or Teams' accepted hosts are widened: an
admin could then point a destination at any server on those lists."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def chat_hosts_widened(app_configs, **kwargs):
    found = []
    for kind, defaults in settings.CHAT_WEBHOOK_HOSTS_DEFAULT.items():
        extra = sorted(set(settings.CHAT_WEBHOOK_HOSTS.get(kind, ())) - set(defaults))
        if extra:
            found.append(
                Warning(
                    f"{kind.title()} destinations are accepted at hosts beyond the service's own: {', '.join(extra)}.",
                    hint=f"Remove them from {kind.upper()}_WEBHOOK_HOSTS unless you mean to send there.",
                    id="notifications.W001",
                )
            )
    return found
