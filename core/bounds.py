"""Bounds on what comes in, and date arithmetic that cannot overflow on what is stored.

- `query_int` reads a whole number from a query value or a hand-parsed field. Python's
  `str.isdigit()` accepts "²" and "١٢", which `int()` refuses or reads as another number,
  and a thousand digits are no id either: only ASCII digits within a database integer count.
- Every date a person enters is within `DATE_MIN`..`DATE_MAX` (`BoundedDateField`, and the
  launch CSV through `date_error`): a launch in the year 9999 is a typo, and a date at the
  edge of Python's calendar breaks every "a week later" computed from it.
- Rows stored before that bound may still hold such dates: `shift_days` and
  `add_months` answer None past the calendar's ends instead of raising, so the pages
  reading those rows show them without the dates that cannot exist.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError

BIGINT_MAX = 2**63 - 1

DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2100, 12, 31)
DATE_RANGE_MESSAGE = f"Pick a date between {DATE_MIN.day} {DATE_MIN:%b %Y} and {DATE_MAX.day} {DATE_MAX:%b %Y}."


def query_int(value, *, default: int | None = None) -> int | None:
    """`value` as a non-negative whole number, or `default` when it is not one: missing,
    empty, signed, non-ASCII digits, a list's last item excepted, or beyond a 64-bit id."""
    if not isinstance(value, str) or not value or not value.isascii() or not value.isdigit():
        return default
    # Compared as text first: a line of a thousand digits is out of range, not a slow int().
    if len(value.lstrip("0")) > 19 or int(value) > BIGINT_MAX:
        return default
    return int(value)


def date_error(day: date | None) -> str | None:
    """The message for a date outside the window people may enter, or None."""
    if day is not None and not DATE_MIN <= day <= DATE_MAX:
        return DATE_RANGE_MESSAGE
    return None


def validate_date_in_window(day: date | None) -> None:
    message = date_error(day)
    if message:
        raise ValidationError(message, code="date_out_of_range")


class BoundedDateField(forms.DateField):
    """A date within DATE_MIN..DATE_MAX, with the message at the field; every date field
    of every form is one."""

    default_validators = [validate_date_in_window]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # The browser's date picker stays inside the window too.
        if getattr(widget, "input_type", "") == "date":
            attrs.update({"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()})
        return attrs


def shift_days(day: date, days: int) -> date | None:
    """`day` moved by `days`, or None when that is before 1 Jan 1 or after 31 Dec 9999."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def add_months(day: date, months: int) -> date | None:
    """The same day `months` later, or the month's last day when it is shorter; None past
    the calendar's ends."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        return None
    last = 31 if month == 12 else (date(year, month + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))
