"""allauth's forms as the product asks them, and the invitation's sign-up form (ours)."""

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts import services, throttle
from accounts.adapter import ThrottledError, client_address

# Django's help lists every validator as HTML, which our plain-text help runs together.
PASSWORD_HELP = "At least 10 characters; not a common password, not only digits, not like your name or the site's name."


def _plain_password_help(form, field: str) -> None:
    form.fields[field].help_text = PASSWORD_HELP


class SignInForm(allauth_forms.LoginForm):
    """allauth's sign-in; a refusal by the throttle is kept so that the page can offer a
    password reset to a locked account (and only to one)."""

    throttled: throttle.Throttled | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page links to the reset itself (and not while the account is locked).
        self.fields["password"].help_text = ""

    def clean(self):
        try:
            return super().clean()
        except ThrottledError as refusal:
            self.throttled = refusal.refusal
            raise


class SignUpForm(allauth_forms.SignupForm):
    """allauth's sign-up with the person's name.

    An address that has an account is not refused here (that would tell anyone who has an
    account): allauth mails that address instead. Both ways cost one password hash, so the
    answer takes as long. An unconfirmed sign-up for the same address is replaced by this
    one, name and all."""

    first_name = forms.CharField(max_length=150, required=False, label="Your name")
    field_order = ["username", "first_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self, "password1")
        self.fields["email"].label = "Email address"
        self.fields["email"].help_text = "We mail a link to this address to confirm it is yours."
        self.fields["password2"].label = "Password confirmation"
        self.fields["email"].max_length = 254
        self.fields["username"].help_text = "Letters, digits and @ . + - _ only; your teammates see it."

    def _typed_email(self) -> str:
        return str(self.data.get("email", "")).strip().lower()

    def clean_username(self):
        username = self.cleaned_data.get("username", "")
        if services.unconfirmed_for(self._typed_email()).filter(username__iexact=username).exists():
            return get_adapter().clean_username(username, shallow=True)
        return super().clean_username()

    def validate_unique_email(self, value):
        if services.only_unconfirmed_hold(value):
            self.account_already_exists = False
            return value
        return super().validate_unique_email(value)

    def try_save(self, request):
        if self.account_already_exists:
            # The same work as making the account: without it, a taken address answers in a
            # tenth of the time and says so.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)

    @transaction.atomic
    def save(self, request):
        services.drop_unconfirmed(self.cleaned_data["email"])
        return super().save(request)


class PasswordChangeForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self, "password1")


class PasswordSetForm(allauth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self, "password1")


class PasswordResetKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self, "password1")


class TwoFactorCodeForm(AuthenticateForm):
    """The code asked after the password. Wrong codes count against the account and the
    address in the sign-in throttle, as wrong passwords do; a right one gives its attempt back."""

    throttled: throttle.Throttled | None = None

    def clean_code(self):
        try:
            attempt = throttle.attempt_begin(username=self.user.get_username(), address=client_address(self.request))
        except throttle.Throttled as refusal:
            self.throttled = refusal
            raise forms.ValidationError(refusal.message, code="throttled") from None
        code = super().clean_code()  # a wrong code raises, and stays counted
        attempt.succeeded()
        return code

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = context.request
        self.fields["code"].max_length = 64
        self.fields["code"].help_text = "The 6 digits your authenticator app shows, or one of your recovery codes."


class InvitationSignUpForm(UserCreationForm):
    """The sign-up fields of an invitation's page: the address is the invited one, proven by
    the link, so it is not asked."""

    first_name = forms.CharField(max_length=150, required=False, label="Your name")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name")

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self, "password1")
        self.email = email
        self.instance.email = email

    def clean_username(self):
        username = self.cleaned_data.get("username")
        taken = get_user_model().objects.filter(username__iexact=username)
        # An unconfirmed sign-up for the invited address is replaced by this one, name and all.
        if taken.exclude(pk__in=services.unconfirmed_for(self.email).values("pk")).exists():
            raise forms.ValidationError("That username is taken; pick another.", code="unique")
        return username

    def validate_unique(self):
        """Usernames are checked in clean_username (an unconfirmed sign-up may be replaced)."""
