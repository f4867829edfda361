from django import forms

from . import tiering
from .models import GoDecision, ReadinessItem


class CycleForm(forms.Form):
    quarter = forms.CharField(max_length=20, label="Quarter", help_text="Like 2027-Q1.")


class LaunchForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name")
    summary = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Summary")
    pm_owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="PM owner")
    pmm_owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="PMM owner")
    matrix = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Matrix",
                                    help_text="The RACI matrix or product area it belongs to.")
    ship_date = forms.DateField(required=False, label="Ship date", help_text="The PM's: the product is out the door.",
                                widget=forms.DateInput(attrs={"type": "date"}))
    launch_date = forms.DateField(required=False, label="Launch date", help_text="The PMM's: it is announced.",
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, members, matrices, **kwargs):
        super().__init__(*args, **kwargs)
        people = [("", "—")] + [(m.pk, m.display_name) for m in members]
        self.fields["pm_owner"].choices = people
        self.fields["pmm_owner"].choices = people
        self.fields["matrix"].choices = [("", "—")] + [(m.pk, m.name) for m in matrices]


class ScoreForm(forms.Form):
    def __init__(self, *args, rubric: tiering.Rubric, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s, f"{s} · {label}") for s, label in tiering.SCORE_LABELS.items()]
        for n, question in enumerate(rubric.questions):
            label = question.text + (f" (×{question.weight})" if question.weight != 1 else "")
            initial = initial_scores[n] if initial_scores and len(initial_scores) == len(rubric.questions) else None
            self.fields[f"q{n}"] = forms.TypedChoiceField(choices=choices, coerce=int, label=label,
                                                          initial=initial, widget=forms.RadioSelect)

    def scores(self) -> list[int]:
        return [self.cleaned_data[f"q{n}"] for n in range(len(self.fields))]


class TierForm(forms.Form):
    tier = forms.CharField(required=False)
    reason = forms.CharField(required=False, max_length=2000)

    def tier_value(self) -> int | None:
        raw = self.cleaned_data.get("tier", "")
        return int(raw) if raw.isdigit() else None


class ItemForm(forms.Form):
    status = forms.ChoiceField(choices=ReadinessItem.Status.choices)
    waive_reason = forms.CharField(required=False, max_length=2000)


class GoForm(forms.Form):
    decision = forms.ChoiceField(choices=GoDecision.Decision.choices, widget=forms.RadioSelect, label="Decision")
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Notes")


class RubricForm(forms.Form):
    tier_1 = forms.CharField(max_length=40, label="Name of tier 1")
    tier_2 = forms.CharField(max_length=40, label="Name of tier 2")
    tier_3 = forms.CharField(max_length=40, label="Name of tier 3")
    threshold_1 = forms.IntegerField(min_value=0, max_value=1000, label="Tier 1 from a total of")
    threshold_2 = forms.IntegerField(min_value=0, max_value=1000, label="Tier 2 from a total of",
                                     help_text="Below it: the last tier.")
    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 7}), max_length=4000, label="Questions",
        help_text="One question per line; end a line with “| 2” to weigh it twice.")

    @staticmethod
    def initial_for(rubric: tiering.Rubric) -> dict:
        names = list(rubric.tier_names) + ["", "", ""]
        thresholds = list(rubric.thresholds) + [None, None]
        return {"tier_1": names[0], "tier_2": names[1], "tier_3": names[2], "threshold_1": thresholds[0],
                "threshold_2": thresholds[1],
                "questions": "\n".join(q.text + (f" | {q.weight}" if q.weight != 1 else "") for q in rubric.questions)}

    def clean_questions(self):
        parsed = []
        for line in self.cleaned_data["questions"].splitlines():
            if not line.strip():
                continue
            text, sep, weight = line.rpartition("|")
            if not sep:
                text, weight = line, "1"
            try:
                parsed.append((text.strip(), int(weight.strip())))
            except ValueError:
                raise forms.ValidationError(f"“{weight.strip()}” is not a weight: write a whole number after |.") from None
        return parsed


class StatusForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="st_%s", **kwargs)

    status = forms.ChoiceField(choices=[("on_track", "On track"), ("at_risk", "At risk"), ("off_track", "Off track"),
                                        ("paused", "Paused")], label="Status")
    note = forms.CharField(required=False, max_length=280, label="Note", help_text="What changed, in a line.")


class OutcomeForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="out_%s", **kwargs)

    launched_on = forms.DateField(required=False, label="Launched on", help_text="The day it was announced.",
                                  widget=forms.DateInput(attrs={"type": "date"}))
    metric_name = forms.CharField(required=False, max_length=200, label="Day-30 metric",
                                  help_text="The single primary metric, e.g. accounts activated.")
    metric_target = forms.DecimalField(required=False, max_digits=14, decimal_places=2, label="Target")
    metric_actual = forms.DecimalField(required=False, max_digits=14, decimal_places=2, label="Actual at day 30")
    outcome = forms.ChoiceField(required=False, label="Decision",
                                choices=[("", "Not decided"), ("press_on", "Press on"), ("pivot", "Pivot"),
                                         ("pause", "Pause")])
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Notes")


class DependencyForm(forms.Form):
    before = forms.TypedChoiceField(coerce=int, label="Cannot launch before")

    def __init__(self, *args, launches, **kwargs):
        super().__init__(*args, auto_id="dep_%s", **kwargs)
        self.fields["before"].choices = [(l.pk, f"{l.name} ({l.cycle.name})") for l in launches]


class AvoidDateForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="avoid_%s", **kwargs)

    name = forms.CharField(max_length=200, label="Name", help_text="An industry event, a holiday, a freeze.")
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", help_text="Empty for a single day.",
                          widget=forms.DateInput(attrs={"type": "date"}))
