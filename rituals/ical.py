"""The workspace's launch calendar as iCalendar text (RFC 5545): launch dates and
readiness due dates as all-day events, ritual meetings as all-day or timed events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core import bounds


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a leading space."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def calendar_text(*, name: str, host: str, events: list[tuple], now: datetime | None = None) -> str:
    """`events` are (uid key, day, summary, description), all-day; or (uid key, start,
    summary, description, minutes) with an aware datetime start, a meeting that keeps
    its time busy."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Lockstep//Launches//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for key, day, summary, description, *minutes in events:
        lines += ["BEGIN:VEVENT", f"UID:{key}@{host}", f"DTSTAMP:{stamp}"]
        if isinstance(day, datetime):
            start = day.astimezone(UTC)
            end = start + timedelta(minutes=minutes[0] if minutes else 60)
            lines += [
                f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
                f"DTEND:{end:%Y%m%dT%H%M%SZ}",
                f"SUMMARY:{_escape(summary)}",
                "TRANSP:OPAQUE",
            ]
        else:
            lines.append(f"DTSTART;VALUE=DATE:{day:%Y%m%d}")
            # A day without its end is that one day (RFC 5545); 31 Dec 9999 has no day after.
            if (after := bounds.shift_days(day, 1)) is not None:
                lines.append(f"DTEND;VALUE=DATE:{after:%Y%m%d}")
            lines += [f"SUMMARY:{_escape(summary)}", "TRANSP:TRANSPARENT"]
        if description:
            lines.append(f"DESCRIPTION:{_escape(description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
