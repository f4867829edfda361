from django import forms

from core.bounds import BoundedDateField
from rituals import cadence as rituals


class RitualForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name")
    cadence = forms.ChoiceField(choices=rituals.CADENCES, label="Cadence")
    starts_on = BoundedDateField(
        label="Next meeting",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The following ones are counted from it.",
    )
    repeat_on = forms.ChoiceField(
        choices=[("date", "The same date"), ("weekday", "The same weekday (e.g. the first Tuesday)")],
        initial="weekday",
        label="Monthly and quarterly, on",
        help_text="The same date falls on weekends; the same weekday does not.",
    )
    time_of_day = forms.TimeField(
        required=False,
        label="Time",
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Optional; without it the meeting is a whole-day event in calendars.",
    )
    owner_role = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Owner role", help_text="The role that runs the meeting."
    )
    attendee_roles = forms.TypedMultipleChoiceField(
        required=False, coerce=int, label="Attending roles", widget=forms.CheckboxSelectMultiple
    )
    attendee_members = forms.TypedMultipleChoiceField(
        required=False, coerce=int, label="Attending people", widget=forms.CheckboxSelectMultiple
    )
    agenda = forms.CharField(
        max_length=3000,
        label="Agenda",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One section a line, its minutes at the end: “Blockers, 10 min”. Notes are taken per section.",
    )
    description = forms.CharField(
        required=False, max_length=2000, label="Purpose", widget=forms.Textarea(attrs={"rows": 2})
    )
    default_matrix = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Decision log",
        help_text="The matrix whose decision log its decisions go to, unless the meeting picks another.",
    )

    def __init__(self, *args, roles, members, matrices, time_zone="UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_of_day"].help_text = (
            f"In {time_zone}, the workspace's time zone. Optional; without it the "
            "meeting is a whole-day event in calendars."
        )
        self.fields["owner_role"].choices = [("", "—")] + [(r.pk, f"{r.code} · {r.name}") for r in roles]
        self.fields["attendee_roles"].choices = [(r.pk, r.code) for r in roles]
        self.fields["attendee_members"].choices = [(m.pk, m.display_name) for m in members]
        self.fields["default_matrix"].choices = [("", "The workspace's first matrix")] + [
            (m.pk, m.name) for m in matrices
        ]
        if not self.is_bound and "agenda" not in self.initial:
            self.initial["agenda"] = rituals.agenda_text(list(rituals.AGENDA))

    @classmethod
    def initial_for(cls, ritual, today) -> dict:
        return {
            "name": ritual.name,
            "cadence": ritual.cadence,
            "starts_on": ritual.next_date(today),
            "repeat_on": "weekday" if ritual.by_weekday else "date",
            "time_of_day": ritual.time_of_day,
            "owner_role": ritual.owner_role_id,
            "attendee_roles": [r.pk for r in ritual.attendee_roles.all()],
            "attendee_members": [m.pk for m in ritual.attendee_members.all()],
            "agenda": rituals.agenda_text(ritual.sections),
            "description": ritual.description,
            "default_matrix": ritual.default_matrix_id,
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "cadence": data["cadence"],
            "starts_on": data["starts_on"],
            "by_weekday": data["repeat_on"] == "weekday",
            "time_of_day": data["time_of_day"],
            "owner_role_id": data["owner_role"],
            "attendee_role_ids": data["attendee_roles"],
            "attendee_member_ids": data["attendee_members"],
            "agenda": data["agenda"],
            "description": data["description"],
            "default_matrix_id": data["default_matrix"],
        }


class NotesForm(forms.Form):
    """A text per agenda section; fields `note_0`, `note_1`... in the agenda's order."""

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        for n, note in enumerate(sections):
            label = note.title + (f" · {note.minutes} min" if note.minutes else "")
            self.fields[f"note_{n}"] = forms.CharField(
                required=False,
                max_length=10_000,
                label=label,
                initial=note.text,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def texts(self) -> list[str]:
        return [self.cleaned_data[f"note_{n}"] for n in range(len(self.fields))]


class MeetingDecisionForm(forms.Form):
    what = forms.CharField(max_length=500, label="Decision", help_text="What was decided, in one sentence.")
    why = forms.CharField(required=False, max_length=3500, label="Why", widget=forms.Textarea(attrs={"rows": 2}))
    matrix = forms.TypedChoiceField(
        coerce=int, empty_value=None, label="Decision log of", help_text="The matrix it is about; it is logged there."
    )
    decided_by = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Decided by")
    review_on = BoundedDateField(required=False, label="Review on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, matrices, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matrix"].choices = [(m.pk, m.name) for m in matrices]
        self.fields["decided_by"].choices = [("", "—")] + [(m.user_id, m.display_name) for m in members]
