"""The findings panel's lists, rendered in plain Python: a big matrix has a finding on
most rows, and through the template language the panel cost as much as half the grid.

The items are the matrix views' (`_panel`, `_accepted`): each finding with where it is
("target", "href"), its page ("url"), why it matters, its first fixes, and for the ones
accepted on purpose their acknowledgment. Every piece of user text (names in messages,
fix labels, reasons, who accepted) is escaped by `text` exactly as the templates do.
"""

from django.template.defaultfilters import date as date_filter
from django.utils.text import capfirst

from raci.grid_render import text


def _where(item: dict) -> str:
    target = text(item["target"])
    return f'<a href="{text(item["href"])}">{target}</a>' if item["href"] else f"<span>{target}</span>"


def _finding_html(item: dict, *, editable: bool) -> str:
    finding, css = item["f"], item["css"]
    parts = [
        f'<li class="finding {css}"><div class="f-head"><span class="sev {css}">{text(finding.severity)}</span> '
        f"<code>{text(finding.rule)}</code> {_where(item)}</div><p>{text(finding.message)}</p>"
    ]
    if item["why"]:
        parts.append(f'<details class="why"><summary>Why it matters</summary><p>{text(item["why"])}</p></details>')
    url = text(item["url"])
    if item["fixes"] and editable:
        parts.append('<div class="fix-buttons" aria-label="Fixes">')
        parts.extend(
            f'<a class="btn small" href="{url}#fix-{n}">{text(fix.label)}</a>' for n, fix in enumerate(item["fixes"], 1)
        )
        if item["more"]:
            parts.append(f'<a class="more" href="{url}">{item["more"]} more…</a>')
        parts.append("</div>")
    else:
        parts.append(f'<p class="fix"><span class="muted">Fix:</span> {text(finding.fix)}</p>')
    parts.append("</li>")
    return "".join(parts)


def _accepted_html(item: dict, *, editable: bool, links: bool = True) -> str:
    finding, ack = item["f"], item["ack"]
    when = f", {text(date_filter(ack.on, 'j M Y'))}" if ack.on else ""
    review = f"; review {text(date_filter(ack.review_on, 'j M Y'))}" if ack.review_on else ""
    link = "Details or withdraw" if editable else "Details"
    details = f' · <a href="{text(item["url"])}#accepted">{link}</a>' if links else ""
    return (
        f'<li class="finding accepted"><div class="f-head"><span class="accepted-mark">accepted</span> '
        f"<code>{text(finding.rule)}</code> {_where(item)}</div><p>{text(finding.message)}</p>"
        f'<p class="reason"><span class="muted">Why:</span> {text(ack.reason)}</p>'
        f'<p class="muted small">{text(capfirst(ack.by or "Someone"))}{when}{review}{details}</p></li>'
    )


def findings_html(panel: list[dict], accepted: list[dict], *, editable: bool, links: bool = True) -> str:
    """The panel's body: the findings that count, most severe first, with their fixes as
    links for editors (the finding's text otherwise); then, folded, those accepted on purpose.
    Without `links` (a read-only copy seen outside the workspace) no finding links to its page."""
    if panel:
        parts = ['<ol class="findings">', *(_finding_html(item, editable=editable) for item in panel), "</ol>"]
    else:
        parts = [
            f'<p class="ok">No {"open " if accepted else ""}findings. Every activity has exactly one accountable owner.</p>'
        ]
    if accepted:
        parts.append(
            f'<details class="accepted-list" id="accepted-findings"><summary>Accepted on purpose ({len(accepted)})'
            '</summary><ol class="findings">'
        )
        parts.extend(_accepted_html(item, editable=editable, links=links) for item in accepted)
        parts.append("</ol></details>")
    return "".join(parts)
