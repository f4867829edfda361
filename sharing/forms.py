from django import forms

from launches.converters import FIRST_YEAR, LAST_YEAR
from sharing.models import Kind
from sharing.services import DEFAULT_DAYS, MAX_DAYS, MAX_ORIGINS, ORIGIN_MAX
from workspaces.models import ShareLinksBy

NAMES_CHOICES = [
    ("", "Hidden for the quarter and the pre-read, shown otherwise"),
    ("hide", "Hidden: roles only"),
    ("show", "Shown"),
]


class NewLinkForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, label="What it shows")
    matrix = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Matrix")
    launch = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Launch")
    quarter = forms.RegexField(
        regex=r"^[0-9]{4}-?[qQ][1-4]$",
        required=False,
        max_length=7,
        label="Quarter",
        help_text="For the quarter and the pre-read, such as 2027-Q1.",
        error_messages={"invalid": "A quarter such as 2027-Q1."},
    )
    days = forms.IntegerField(
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        label="Expires after (days)",
        error_messages={"min_value": f"From 1 to {MAX_DAYS} days.", "max_value": f"From 1 to {MAX_DAYS} days."},
    )
    names = forms.ChoiceField(choices=NAMES_CHOICES, required=False, label="People's names")
    allow_downloads = forms.BooleanField(
        required=False,
        label="Allow downloads",
        help_text="A matrix, a quarter or a pre-read then offers “Download as PowerPoint”, "
        "with names hidden as on the page.",
    )

    def __init__(self, *args, matrices=(), launches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matrix"].choices = [("", "—")] + [(m.pk, m.name) for m in matrices]
        self.fields["launch"].choices = [("", "—")] + [(l.pk, f"{l.name} ({l.cycle.name})") for l in launches]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Kind.MATRIX and not cleaned.get("matrix"):
            self.add_error("matrix", "Pick the matrix the link shows.")
        elif kind == Kind.LAUNCH and not cleaned.get("launch"):
            self.add_error("launch", "Pick the launch the link shows.")
        elif kind in (Kind.QUARTER, Kind.PREREAD):
            quarter = cleaned.get("quarter")
            if not quarter:
                if "quarter" not in self.errors:
                    self.add_error("quarter", "Name the quarter the link shows, such as 2027-Q1.")
            elif not FIRST_YEAR <= int(quarter[:4]) <= LAST_YEAR:
                self.add_error("quarter", f"A quarter between {FIRST_YEAR} and {LAST_YEAR}.")
        return cleaned

    @property
    def hide_names(self) -> bool | None:
        return {"hide": True, "show": False}.get(self.cleaned_data.get("names") or "")


class OriginsForm(forms.Form):
    frame_origins = forms.CharField(
        required=False,
        max_length=MAX_ORIGINS * (ORIGIN_MAX + 1),
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Sites that may embed it",
        help_text="One origin a line, such as https://acme.atlassian.net; empty: no site may embed it.",
    )


class PolicyForm(forms.Form):
    share_links_by = forms.ChoiceField(choices=ShareLinksBy.choices, label="Who may make share links")
