import functools
from zoneinfo import available_timezones

from django import forms

from core.text import NAME_MAX
from workspaces.models import Access, DomainAccess


class NameForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)


@functools.cache
def _time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in sorted(available_timezones())]


class WorkspaceSettingsForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
    time_zone = forms.ChoiceField(
        label="Time zone", help_text="Ritual times are in this zone; calendars show them in each reader's own."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = _time_zone_choices()


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

    everything_to = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Give everything to",
        help_text="Each line below may pick someone else.",
    )

    rotate = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Replace the secrets they could read",
        help_text="An admin could read these: whoever leaves keeps what they copied.",
    )

    def __init__(self, *args, holdings, members, secrets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.secrets = list(secrets)
        self.fields["rotate"].choices = [(s.key, s.label) for s in self.secrets]
        self.fields["rotate"].initial = [s.key for s in self.secrets]
        if not self.secrets:
            del self.fields["rotate"]
        self.holdings = holdings
        self.members = {m.pk: m for m in members}
        everyone = [(m.pk, f"{m.display_name} ({m.get_access_display().lower()})") for m in members]
        self.fields["everything_to"].choices = [("", "— pick for each line —"), *everyone]
        editors = [(pk, label) for pk, label in everyone if self.members[pk].can_edit]
        for holding in holdings:
            choices = [("", "Same as above")] + ([(NOBODY, "Nobody")] if holding.nobody_ok else [])
            choices += editors if holding.editors_only else everyone
            self.fields[self.field_name(holding.key)] = forms.ChoiceField(
                required=False, choices=choices, label=holding.label
            )

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
                self.add_error(
                    name,
                    f"{self.members[default].display_name} is a viewer and could not act on it: "
                    "pick an editor or an admin here.",
                )
            else:
                self.handover[holding.key] = default
        return cleaned


class SignInRulesForm(forms.Form):
    require_sso = forms.BooleanField(
        required=False,
        label="Require single sign-on",
        help_text="Password sessions reach none of the workspace's pages; API tokens and the calendar feed work "
        "while their owner's last SSO sign-in is recent. Site admins are let in either way.",
    )
    require_two_factor = forms.BooleanField(
        required=False,
        label="Require two-factor for password sign-in",
        help_text="A password session reaches the workspace only after an authenticator app's code.",
    )
    domain_access = forms.ChoiceField(
        choices=DomainAccess.choices,
        label="People signing in from a claimed domain",
        help_text="Join at this access on their first SSO sign-in. Off: only invited people join, and, "
        "once groups are mapped below, only people in a mapped group.",
    )


class DomainForm(forms.Form):
    domain = forms.CharField(
        max_length=300, label="Claim a domain", help_text="Your own confirmed address must be at it."
    )


class GroupMappingForm(forms.Form):
    group = forms.CharField(
        max_length=300,
        label="Group",
        help_text="As the identity provider sends it; for Entra ID, the group's object id.",
    )
    access = forms.ChoiceField(choices=Access.choices, initial=Access.VIEWER)
    roles = forms.TypedMultipleChoiceField(
        required=False, coerce=int, label="Roles held", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r.pk, f"{r.code} · {r.name}") for r in roles]
        if not roles:  # nothing to pick: the roles page makes them
            del self.fields["roles"]
