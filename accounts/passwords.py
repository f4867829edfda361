"""Password rules of our own, beside Django's validators (listed in AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError

SITE_WORDS = ("lockstep",)


class SiteNameValidator:
    """Refuses a password built on the product's name ("lockstep", "Lockstep2026")."""

    def validate(self, password, user=None):
        folded = "".join(ch for ch in password.casefold() if ch.isalpha())
        if any(word in folded for word in SITE_WORDS):
            raise ValidationError(
                "This password contains the site's name, which is the first guess anyone tries.",
                code="password_site_name",
            )

    def get_help_text(self):
        return "Your password can't contain the site's name."
