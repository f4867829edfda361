from django import forms

from core.text import NAME_MAX


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise forms.ValidationError("Remove the NUL character.")


class WorkshopForm(forms.Form):
    title = forms.CharField(max_length=NAME_MAX, validators=[_no_nul])
    activities = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick the activities to talk about. None ticked: every activity of the matrix.",
    )
    participants = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members, activities, me, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].choices = [(str(a.pk), a.name) for a in activities]
        self.fields["participants"].choices = [
            (str(m.pk), f"{m.display_name} ({m.get_access_display().lower()})") for m in members if m.pk != me.pk
        ]
        if not self.is_bound:
            # A fresh form ticks nothing, which means every activity (the rule the form states).
            self.initial = {"title": "Roles & Responsibilities workshop", "activities": []}


class NewMatrixForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX, validators=[_no_nul], label="Name of the new matrix")
    start = forms.ChoiceField(widget=forms.RadioSelect, label="Start from")

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].choices = [
            (
                "concerns",
                (
                    "The concerns PM and PMM share: segmentation, TAM/SAM/OAM, value proposition, personas, "
                    "pricing, positioning, go-to-market (PM and PMM columns, no letters yet)"
                ),
            ),
            *[(f"t-{t.pk}", f"Template: {t.name}") for t in templates],
        ]
        if not self.is_bound:
            self.initial = {"start": "concerns", "name": "Shared concerns"}
