from decimal import Decimal
from typing import cast

from django import forms

from core.bounds import BoundedDateField
from core.text import NAME_MAX
from raci.models import Template
from raci.phases import PHASES, PhaseList


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
    overload_percent = forms.IntegerField(
        min_value=1, max_value=100, label="A role is overloaded when accountable (A) on more than this % of activities"
    )
    overload_min_activities = forms.IntegerField(
        min_value=1, max_value=2000, label="…in a matrix of at least this many activities"
    )
    review_cadence_days = forms.IntegerField(
        min_value=1,
        max_value=3650,
        required=False,
        label="Review every (days)",
        help_text="The owner is reminded when the matrix is due; leave empty for no reviews.",
    )
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Owner")

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "— nobody —")] + [(m.user_id, m.display_name) for m in members]

    def facts(self) -> list[tuple[str, str]]:
        """(label, value as text) of every setting, for those who may only read them."""
        facts = []
        for field in self:
            value = field.value()
            if field.name == "owner":
                value = dict(self.fields["owner"].choices).get(value, "— nobody —")
            elif field.name == "review_cadence_days" and not value:
                value = "no reviews"
            facts.append((field.label, "—" if value in (None, "") else str(value)))
        return facts


class TemplateSaveForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
    stage = forms.ChoiceField(choices=Template.Stage.choices)
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ActivityForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    phase = forms.ChoiceField(choices=[("", "Unphased"), *PHASES], required=False)
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, phases: PhaseList | None = None, current_phase: str = "", **kwargs):
        """`phases`: the workspace's, offered in its order; `current_phase`, the activity's
        own, stays offered even when the workspace no longer has it."""
        super().__init__(*args, **kwargs)
        phases = phases or PhaseList.default()
        choices = phases.choices()
        if current_phase and current_phase not in phases:
            choices.append((current_phase, phases.label(current_phase)))
        cast(forms.ChoiceField, self.fields["phase"]).choices = choices


class WorkloadMarksForm(forms.Form):
    """When the People page marks someone as carrying far more than the team."""

    multiple = forms.DecimalField(
        min_value=Decimal("1.1"),
        max_value=Decimal(10),
        max_digits=3,
        decimal_places=1,
        label="Multiple of the team's median",
        error_messages={
            "min_value": "Between 1.1 and 10.",
            "max_value": "Between 1.1 and 10.",
            "max_digits": "Between 1.1 and 10, with one decimal at most.",
            "max_decimal_places": "One decimal at most, such as 1.5.",
            "invalid": "Give a number such as 1.5.",
        },
    )
    # The rule the page showed: a change made by someone else since is refused, not overwritten.
    was_multiple = forms.DecimalField(required=False, max_digits=3, decimal_places=1, widget=forms.HiddenInput)
    was_floor = forms.IntegerField(required=False, min_value=0, max_value=1000, widget=forms.HiddenInput)
    floor = forms.IntegerField(
        min_value=1,
        max_value=500,
        label="Points above the median, at least",
        error_messages={
            "min_value": "Between 1 and 500.",
            "max_value": "Between 1 and 500.",
            "invalid": "Give a whole number such as 5.",
        },
    )


class AcknowledgeForm(forms.Form):
    """Accepting a finding on purpose: why (required) and, optionally, when to look again."""

    reason = forms.CharField(
        max_length=1000,
        error_messages={"required": "Say why the team accepts this finding: the reason is what others read."},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What others read beside the finding, and in the decision log.",
    )
    review_on = BoundedDateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Review on",
        help_text="Optional: the finding counts again on this day, and you are reminded.",
    )
