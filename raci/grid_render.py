"""The matrix grid's cells, rendered in plain Python.

The grid is the one place where the template language is too slow: 3,000 cells cost
about 75 ms through it, a plain Python renderer some 40 times less (`make bench`). Cells carry only numbers and fixed letters;
every piece of user text in the grid (activity and role names) is escaped here or goes
through the template engine.
"""

from html import escape

from raci import rules
from raci.selectors import ActivityRow, Grid

CLASS_OF = {"": "c", "R": "c vR", "A": "c vA", "AR": "c vAR", "C": "c vC", "I": "c vI"}
SEVERITY_CLASS = {"error": "sev-e", "warning": "sev-w", "info": "sev-i"}
# Colour is never the only sign of a finding's severity: each has its own mark too.
SEVERITY_MARK = {"error": "✖", "warning": "▲", "info": "ℹ"}


def cell_html(
    activity_id: int, role_id: int, value: str, version: int, *, editable: bool, extra: str = "", oob: bool = False
) -> str:
    css = CLASS_OF[value] + extra
    text = rules.DISPLAY[value]
    oob_attr = ' hx-swap-oob="true"' if oob else ""
    if editable:
        # An empty cell is still a link a screen reader must be able to name.
        label = "" if text else ' aria-label="empty"'
        return (
            f'<a id="c-{activity_id}-{role_id}" class="{css}" href="cells/{activity_id}/{role_id}/" '
            f'data-v="{version}"{label}{oob_attr}>{text}</a>'
        )
    return f'<span id="c-{activity_id}-{role_id}" class="{css}"{oob_attr}>{text}</span>'


def row_cells_html(grid: Grid, activity: ActivityRow, *, editable: bool) -> str:
    cells = grid.cells
    parts = []
    for column in grid.columns:
        value, version = cells.get((activity.id, column.role_id), ("", 0))
        parts.append("<td>" + cell_html(activity.id, column.role_id, value, version, editable=editable) + "</td>")
    return "".join(parts)


def badge_html(findings: list[rules.Finding], element_id: str, *, oob: bool = False) -> str:
    """A row's or column's finding badge: the worst severity and how many, or nothing."""
    oob_attr = ' hx-swap-oob="true"' if oob else ""
    if not findings:
        return f'<span id="{element_id}" class="badge-slot"{oob_attr}></span>'
    worst = rules.worst(findings) or rules.INFO  # never None: there are findings
    codes = ", ".join(sorted({f.rule for f in findings}))
    plural = "s" if len(findings) != 1 else ""
    return (
        f'<span id="{element_id}" class="badge-slot"{oob_attr}><span class="badge {SEVERITY_CLASS[worst]}" '
        f'title="{worst}: {escape(codes)}"><span class="sev-mark" aria-hidden="true">{SEVERITY_MARK[worst]}</span>'
        f'{len(findings)}<span class="vh"> finding{plural}, the worst {"an" if worst in ("error", "info") else "a"} '
        f"{worst}: {escape(codes)}</span></span></span>"
    )
