from datetime import date

from django.urls import path, register_converter

from rituals.views import feed, meetings


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # a ValueError (2027-02-30) is a 404

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)


register_converter(IsoDateConverter, "isodate")


app_name = "rituals"

W = "w/<slug:ws>/launches/"
R = "w/<slug:ws>/rituals/"
RI = R + "<int:ritual_id>/"
O = RI + "<isodate:day>/"

urlpatterns = [
    # The feed holds launches and ritual meetings; its path stays beside the launches'.
    path(W + "feed/<str:token>.ics", feed.feed, name="feed"),
    path(R, meetings.rituals, name="rituals"),
    path(RI, meetings.ritual, name="ritual"),
    path(RI + "edit/", meetings.ritual_edit, name="ritual_edit"),
    path(RI + "pause/", meetings.ritual_pause, name="ritual_pause"),
    path(RI + "delete/", meetings.ritual_delete, name="ritual_delete"),
    path(O, meetings.occurrence, name="occurrence"),
    path(O + "notes/", meetings.occurrence_notes, name="occurrence_notes"),
    path(O + "decisions/", meetings.occurrence_decision, name="occurrence_decision"),
    path(O + "tier/<int:launch_id>/", meetings.occurrence_tier, name="occurrence_tier"),
]
