import functools
from zoneinfo import available_timezones

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm,
                                       UserCreationForm)

from . import throttle
from .models import NAME_MAX, Access, Template
from .phases import PHASES
from .proxies import request_client_ip


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

    email = forms.EmailField(required=True, max_length=254,
                             help_text="We mail a link to this address to confirm it is yours.")
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
    one while either is locked (raci/throttle.py). Only an attempt that checks a password is
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
        from .throttle import mail_allowed

        if mail_allowed(self.cleaned_data["email"]):
            super().save(**kwargs)


class NameForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)


@functools.cache
def _time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in sorted(available_timezones())]


class WorkspaceSettingsForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
    time_zone = forms.ChoiceField(label="Time zone", help_text="Ritual times are in this zone; calendars show them "
                                                               "in each reader's own.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = _time_zone_choices()


class MatrixCreateForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
    template = forms.ModelChoiceField(queryset=Template.objects.none(), required=False, empty_label="Blank matrix")
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates if templates is not None else Template.objects.none()


class MatrixSettingsForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    max_responsible = forms.IntegerField(min_value=1, max_value=50, label="Most roles responsible (R) per activity")
    max_consulted = forms.IntegerField(min_value=1, max_value=50, label="Most roles consulted (C) per activity")
    overload_percent = forms.IntegerField(min_value=1, max_value=100,
                                          label="A role is overloaded when accountable (A) on more than this % of activities")
    overload_min_activities = forms.IntegerField(min_value=1, max_value=2000,
                                                 label="…in a matrix of at least this many activities")
    review_cadence_days = forms.IntegerField(min_value=1, max_value=3650, required=False,
                                             label="Review every (days)",
                                             help_text="The owner is reminded when the matrix is due; leave empty for no reviews.")
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Owner")

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "— nobody —")] + [(m.user_id, m.display_name) for m in members]


class TemplateSaveForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
    stage = forms.ChoiceField(choices=Template.Stage.choices)
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ActivityForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    phase = forms.ChoiceField(choices=[("", "Unphased"), *PHASES], required=False)
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RoleForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    code = forms.CharField(max_length=12, label="Short code")
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class InvitationForm(forms.Form):
    email = forms.EmailField(max_length=254, label="E-mail address")
    access = forms.ChoiceField(choices=Access.choices, initial=Access.EDITOR)


class AccessForm(forms.Form):
    access = forms.ChoiceField(choices=Access.choices)


NOBODY = "nobody"


class HandoverForm(forms.Form):
    """To whom each thing a leaving member holds goes: one pick for everything, and one per
    holding that overrides it. Resolves to the dict `services.membership_remove` takes."""

    everything_to = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Give everything to",
                                           help_text="Each line below may pick someone else.")

    def __init__(self, *args, holdings, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.holdings = holdings
        self.members = {m.pk: m for m in members}
        everyone = [(m.pk, f"{m.display_name} ({m.get_access_display().lower()})") for m in members]
        self.fields["everything_to"].choices = [("", "— pick for each line —"), *everyone]
        editors = [(pk, label) for pk, label in everyone if self.members[pk].can_edit]
        for holding in holdings:
            choices = [("", "Same as above")] + ([(NOBODY, "Nobody")] if holding.nobody_ok else [])
            choices += editors if holding.editors_only else everyone
            self.fields[self.field_name(holding.key)] = forms.ChoiceField(required=False, choices=choices,
                                                                          label=holding.label)

    @staticmethod
    def field_name(key: str) -> str:
        return "to_" + key.replace(":", "_")

    def lines(self):
        """(group, [(holding, bound field)]) in the order the holdings came."""
        groups: dict[str, list] = {}
        for holding in self.holdings:
            groups.setdefault(holding.group, []).append((holding, self[self.field_name(holding.key)]))
        return list(groups.items())

    def clean(self):
        cleaned = super().clean()
        default = cleaned.get("everything_to")
        self.handover: dict[str, int | None] = {}
        for holding in self.holdings:
            name = self.field_name(holding.key)
            if name not in cleaned:
                continue  # its own error is already at the field
            picked = cleaned[name]
            if picked == NOBODY:
                self.handover[holding.key] = None
            elif picked:
                self.handover[holding.key] = int(picked)
            elif default is None:
                self.add_error(name, "Pick who takes this over, or pick someone for everything above.")
            elif holding.editors_only and not self.members[default].can_edit:
                self.add_error(name, f"{self.members[default].display_name} is a viewer and could not act on it: "
                                     "pick an editor or an admin here.")
            else:
                self.handover[holding.key] = default
        return cleaned
