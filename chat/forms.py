"""The chat set-up's forms: each carries the set-up's version it was drawn with."""

from __future__ import annotations

import re

from django import forms

from chat import signing
from chat.models import CHANNEL_MAX, CHANNELS_MAX, SLACK_SECRET_MAX, TEAMS_TOKEN_MAX
from core.text import hidden_control

_SLACK_SECRET = re.compile(r"[A-Za-z0-9]{16,100}")
_SPLIT = re.compile(r"[\n,]+")


class VersionedForm(forms.Form):
    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)


def _secret_field(label: str, max_length: int, help_text: str) -> forms.CharField:
    # A saved secret is never sent back to the page: the field comes back empty, and the
    # browser is asked not to remember it.
    return forms.CharField(
        label=label,
        max_length=max_length,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=help_text,
    )


class SlackForm(VersionedForm):
    slack_signing_secret = _secret_field(
        "Slack signing secret",
        SLACK_SECRET_MAX,
        "In your Slack app: Basic Information → App Credentials → Signing Secret.",
    )

    def clean_slack_signing_secret(self):
        value = self.cleaned_data["slack_signing_secret"]
        if not _SLACK_SECRET.fullmatch(value):
            raise forms.ValidationError(
                "A Slack signing secret is 16 to 100 letters and digits (Slack shows 32). Copy it again, whole."
            )
        return value


class TeamsForm(VersionedForm):
    teams_security_token = _secret_field(
        "Teams security token",
        TEAMS_TOKEN_MAX,
        "Shown once by Teams when the outgoing webhook is made (a base64 text ending in “=”).",
    )

    def clean_teams_security_token(self):
        value = self.cleaned_data["teams_security_token"]
        key = signing.teams_key(value)
        if key is None or len(key) < 16:
            raise forms.ValidationError(
                "That is not the security token Teams shows (base64, about 44 characters). Copy it again, whole."
            )
        return value


def channel_entries(text: str) -> list[str]:
    """The channels an admin listed, folded as requests are compared: "#Pricing" -> "pricing"."""
    found: list[str] = []
    for raw in _SPLIT.split(text or ""):
        entry = raw.strip().lstrip("#").strip().casefold()
        if entry and entry not in found:
            found.append(entry)
    return found


class ChannelsForm(VersionedForm):
    channels = forms.CharField(
        label="Channels that may ask",
        required=False,
        max_length=CHANNELS_MAX * (CHANNEL_MAX + 2),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            f"One a line, at most {CHANNELS_MAX}: a Slack channel's name (#launches) or id (C0123ABCD), a Teams "
            "channel's id (19:…@thread.tacv2). Slack names direct messages “directmessage”. "
            "Leave it empty to let every channel ask."
        ),
    )

    def clean_channels(self):
        entries = channel_entries(self.cleaned_data["channels"])
        if len(entries) > CHANNELS_MAX:
            raise forms.ValidationError(f"{len(entries)} channels listed; at most {CHANNELS_MAX}.")
        for entry in entries:
            if len(entry) > CHANNEL_MAX:
                raise forms.ValidationError(f"“{entry[:30]}…” is {len(entry)} characters; at most {CHANNEL_MAX}.")
            if hidden_control(entry) or " " in entry:
                raise forms.ValidationError(f"“{entry[:CHANNEL_MAX]}” is not a channel name or id: no spaces.")
        return entries
