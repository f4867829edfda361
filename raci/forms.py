import functools
from zoneinfo import available_timezones

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from . import throttle
from .models import NAME_MAX, Access, Template
from .phases import PHASES
from .proxies import request_client_ip


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="Teammates can add you to a workspace by this address.")
    first_name = forms.CharField(max_length=150, required=False, label="Your name")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name", "email")

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account already uses this e-mail address.")
        return email


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
    overload_min_activities = forms.IntegerField(min_value=1, max_value=1000,
                                                 label="A role is overloaded from this many A's (and over half)")
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


class MemberAddForm(forms.Form):
    user = forms.CharField(max_length=254, label="Username or e-mail")
    access = forms.ChoiceField(choices=Access.choices, initial=Access.EDITOR)


class AccessForm(forms.Form):
    access = forms.ChoiceField(choices=Access.choices)
