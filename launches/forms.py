from django import forms

from core.bounds import BoundedDateField, query_int
from launches import tiering
from launches.models import GoDecision, ReadinessItem


class CycleForm(forms.Form):
    quarter = forms.CharField(max_length=20, label="Quarter", help_text="Like 2027-Q1.")


class LaunchForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name")
    summary = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Summary"
    )
    pm_owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="PM owner")
    pmm_owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="PMM owner")
    matrix = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Matrix",
        help_text="The RACI matrix or product area it belongs to.",
    )
    ship_date = BoundedDateField(
        required=False,
        label="Ship date",
        help_text="The PM's: the product is out the door.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    launch_date = BoundedDateField(
        required=False,
        label="Launch date",
        help_text="The PMM's: it is announced.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, members, matrices, **kwargs):
        super().__init__(*args, **kwargs)
        people = [("", "—")] + [(m.pk, m.display_name) for m in members]
        self.fields["pm_owner"].choices = people
        self.fields["pmm_owner"].choices = people
        self.fields["matrix"].choices = [("", "—")] + [(m.pk, m.name) for m in matrices]


class CandidatesUploadForm(forms.Form):
    MAX_BYTES = 1_000_000
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: Name, Summary, PM owner, PMM owner (username or "
        "e-mail), Ship date, Launch date (YYYY-MM-DD), Matrix. Comma, semicolon or tab.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB.")
        return upload


class ScoreForm(forms.Form):
    def __init__(self, *args, rubric: tiering.Rubric, initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s, f"{s} · {label}") for s, label in tiering.SCORE_LABELS.items()]
        for n, question in enumerate(rubric.questions):
            label = question.text + (f" (×{question.weight})" if question.weight != 1 else "")
            initial = initial_scores[n] if initial_scores and len(initial_scores) == len(rubric.questions) else None
            self.fields[f"q{n}"] = forms.TypedChoiceField(
                choices=choices, coerce=int, label=label, initial=initial, widget=forms.RadioSelect
            )

    def scores(self) -> list[int]:
        return [self.cleaned_data[f"q{n}"] for n in range(len(self.fields))]


class TierForm(forms.Form):
    REASON_MAX = 2000
    tier = forms.CharField(required=False, max_length=20)
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        error_messages={"max_length": f"Keep the reason under {REASON_MAX:,} characters."},
    )

    def first_error(self) -> str | None:
        for errors in self.errors.values():
            return str(errors[0])
        return None

    def tier_value(self) -> int | None:
        return query_int(self.cleaned_data.get("tier"))


class ItemForm(forms.Form):
    status = forms.ChoiceField(choices=ReadinessItem.Status.choices)
    waive_reason = forms.CharField(required=False, max_length=2000)
    evidence_url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    owner = forms.IntegerField(required=False)


class GoForm(forms.Form):
    decision = forms.ChoiceField(choices=GoDecision.Decision.choices, widget=forms.RadioSelect, label="Decision")
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Notes")


class RubricForm(forms.Form):
    """Questions, and 2 to 5 tiers with their names, thresholds and lead times. The form
    always shows five tiers' fields (no JS needed); those past the chosen count are ignored."""

    tier_count = forms.TypedChoiceField(
        coerce=int,
        label="Number of tiers",
        initial=3,
        choices=[(n, str(n)) for n in range(tiering.MIN_TIERS, tiering.MAX_TIERS + 1)],
        help_text="Fields of the tiers past this number are ignored.",
    )
    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 7}),
        max_length=4000,
        label="Questions",
        help_text="One question per line; end a line with “| 2” to weigh it twice.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, tiering.MAX_TIERS + 1):
            self.fields[f"tier_{n}"] = forms.CharField(required=False, max_length=40, label=f"Name of tier {n}")
            if n < tiering.MAX_TIERS:
                self.fields[f"threshold_{n}"] = forms.IntegerField(
                    required=False,
                    min_value=0,
                    max_value=1000,
                    label=f"Tier {n} from a total of",
                    help_text="Below the last threshold: the last tier." if n == 1 else "",
                )
            self.fields[f"lead_{n}"] = forms.IntegerField(
                required=False, min_value=0, max_value=tiering.MAX_LEAD_WEEKS, label=f"Lead time of tier {n} (weeks)"
            )

    @staticmethod
    def initial_for(rubric: tiering.Rubric) -> dict:
        initial = {
            "tier_count": len(rubric.tier_names),
            "questions": "\n".join(q.text + (f" | {q.weight}" if q.weight != 1 else "") for q in rubric.questions),
        }
        for n in range(1, tiering.MAX_TIERS + 1):
            if n <= len(rubric.tier_names):
                initial[f"tier_{n}"] = rubric.tier_names[n - 1]
                initial[f"lead_{n}"] = rubric.weeks_of(n)
            if n <= len(rubric.thresholds):
                initial[f"threshold_{n}"] = rubric.thresholds[n - 1]
        return initial

    def clean(self):
        data = super().clean()
        count = data.get("tier_count")
        if not count:
            return data
        names, thresholds, weeks = [], [], []
        for n in range(1, count + 1):
            name = (data.get(f"tier_{n}") or "").strip()
            if not name and f"tier_{n}" not in self.errors:
                self.add_error(f"tier_{n}", "Every tier needs a name.")
            names.append(name)
            if n < count:
                if data.get(f"threshold_{n}") is None and f"threshold_{n}" not in self.errors:
                    self.add_error(f"threshold_{n}", "Every tier but the last needs a threshold.")
                thresholds.append(data.get(f"threshold_{n}"))
            if data.get(f"lead_{n}") is None and f"lead_{n}" not in self.errors:
                self.add_error(f"lead_{n}", "Every tier needs a lead time.")
            weeks.append(data.get(f"lead_{n}"))
        data["tier_names"], data["thresholds"], data["lead_weeks"] = names, thresholds, weeks
        return data

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
                raise forms.ValidationError(
                    f"“{weight.strip()}” is not a weight: write a whole number after |."
                ) from None
        return parsed


class StatusForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="st_%s", **kwargs)

    status = forms.ChoiceField(
        choices=[("on_track", "On track"), ("at_risk", "At risk"), ("off_track", "Off track"), ("paused", "Paused")],
        label="Status",
    )
    note = forms.CharField(required=False, max_length=280, label="Note", help_text="What changed, in a line.")


class OutcomeForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="out_%s", **kwargs)

    launched_on = BoundedDateField(
        required=False,
        label="Launched on",
        help_text="The day it was announced.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    metric_name = forms.CharField(
        required=False,
        max_length=200,
        label="Day-30 metric",
        help_text="The single primary metric, e.g. accounts activated.",
    )
    metric_target = forms.DecimalField(required=False, max_digits=14, decimal_places=2, label="Target")
    metric_actual = forms.DecimalField(required=False, max_digits=14, decimal_places=2, label="Actual at day 30")
    outcome = forms.ChoiceField(
        required=False,
        label="Decision",
        choices=[("", "Not decided"), ("press_on", "Press on"), ("pivot", "Pivot"), ("pause", "Pause")],
    )
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
    start = BoundedDateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = BoundedDateField(
        required=False, label="To", help_text="Empty for a single day.", widget=forms.DateInput(attrs={"type": "date"})
    )
