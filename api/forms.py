from django import forms

from api.models import Scope
from api.tokens import DEFAULT_DAYS, MAX_DAYS, NAME_MAX


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX, help_text="What the token is for, so you know it again: “CI check”, “wiki sync”."
    )
    workspace = forms.ChoiceField(help_text="A token reaches one workspace.")
    scope = forms.ChoiceField(
        choices=Scope.choices,
        initial=Scope.READ,
        help_text="Read can never change anything, even for an admin.",
    )
    days = forms.IntegerField(
        min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS, label="Expires after (days)", help_text="At most a year."
    )

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workspace"].choices = [(m.workspace.slug, m.workspace.name) for m in memberships]
