from django.conf import settings
from django.db import models
from django.utils import timezone


class SignInEvent(models.Model):
    """One sign-in, failed sign-in, two-factor step or "sign out everywhere else", for the
    site's admins to read (the admin site). Kept SIGN_IN_EVENT_DAYS days."""

    class Kind(models.TextChoices):
        SUCCESS = "success", "Signed in"
        FAILURE = "failure", "Sign-in failed"
        TWO_FACTOR = "two_factor", "Two-factor code accepted"
        TWO_FACTOR_FAILURE = "two_factor_failure", "Two-factor code refused"
        SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere", "Signed out everywhere else"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # Null for a name that has no account; kept when the person leaves a workspace (the
    # site's own record, of no workspace), deleted with the account.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    username = models.CharField(max_length=150, blank=True, help_text="The name typed, as typed (cut to 150).")
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="signin_event_user_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username or self.user_id} at {self.at:%Y-%m-%d %H:%M}"
