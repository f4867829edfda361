from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserCreationForm,
)

from accounts import throttle
from core.proxies import request_client_ip

# Django's help lists every validator as HTML, which our plain-text help runs together.
PASSWORD_HELP = "At least 10 characters; not a common password, not only digits, not like your name or the site's name."


def _plain_password_help(form, field: str) -> None:
    form.fields[field].help_text = PASSWORD_HELP


class OurSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self, "new_password1")


class OurPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self, "new_password1")


class SignUpForm(UserCreationForm):
    """The sign-up fields. An address that has an account is not refused here (that would
    tell anyone who has an account): `accounts.signup_start` mails that address instead.

    With `email=` (an invitation's address, proven by its link) the address is not asked."""

    email = forms.EmailField(
        required=True, max_length=254, help_text="We mail a link to this address to confirm it is yours."
    )
    first_name = forms.CharField(max_length=150, required=False, label="Your name")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name", "email")

    def __init__(self, *args, email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self, "password1")
        self.fixed_email = email
        if email is not None:
            del self.fields["email"]
            self.instance.email = email

    def _email(self) -> str:
        return (self.fixed_email if self.fixed_email is not None else self.data.get("email", "")).strip().lower()

    def clean_username(self):
        username = self.cleaned_data.get("username")
        taken = get_user_model().objects.filter(username__iexact=username).first()
        # An unconfirmed sign-up for the same address is replaced by this one, name and all.
        if taken and not (not taken.is_active and taken.last_login is None and taken.email.lower() == self._email()):
            raise forms.ValidationError("That username is taken; pick another.", code="unique")
        return username

    def validate_unique(self):
        """Usernames are checked in clean_username (an unconfirmed sign-up may be replaced)."""


class SignInThrottleMixin:
    """Counts every sign-in attempt against the account and the client address, and refuses
    one while either is locked (accounts/throttle.py). Only an attempt that checks a password is
    counted, and only a successful one clears the account's failures."""

    throttled: throttle.Throttled | None = None

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()  # the empty or too long field says why; no password was tried
        address = request_client_ip(self.request) if self.request else ""
        try:
            attempt = throttle.attempt_begin(username=username, address=address)
        except throttle.Throttled as refusal:
            self.throttled = refusal
            raise forms.ValidationError(refusal.message, code="throttled") from None
        cleaned = super().clean()  # a wrong password raises, and stays counted
        attempt.succeeded()
        return cleaned


class ThrottledAuthenticationForm(SignInThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(SignInThrottleMixin, AdminAuthenticationForm):
    pass


class ThrottledPasswordResetForm(PasswordResetForm):
    """Sends at most MAILS_PER_ADDRESS_HOUR mails an hour to one address. The request is
    counted whether or not an account has the address, and the page answers the same."""

    def save(self, **kwargs):
        from accounts.throttle import mail_allowed

        if mail_allowed(self.cleaned_data["email"]):
            super().save(**kwargs)
