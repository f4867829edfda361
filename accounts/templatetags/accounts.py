from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def confirm_days() -> int:
    """How many days a sign-up's confirmation link works (and the sign-up is kept)."""
    return settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS
