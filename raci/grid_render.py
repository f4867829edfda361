"""The matrix grid, rendered in plain Python: every cell wherever one is drawn (the matrix
page, its edit answers and live refresh, the workshop's proposal grid, read-only grids),
the badges, and the matrix page's table with its headers.

The grid is the one place where the template language is too slow: 3,000 cells cost
about 75 ms through it, a plain Python renderer some 40 times less, and the headers of
200 rows as much again (`make bench`). Cells carry only numbers and fixed letters; every
piece of user text (activity, role and phase names, descriptions) goes through `text`,
which escapes exactly as the templates do.
"""

from dataclasses import dataclass
from html import escape

from django.urls import reverse

from raci import rules
from raci.selectors import ActivityRow, Grid, RoleColumn

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


def text(value: object) -> str:
    """`value` as the templates print it: escaped, unless it is already safe markup."""
    if type(value) is str:  # the common case, and never safe markup (SafeString is a subclass)
        return escape(value)
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(str(value))


# An id no row or column has, reversed once and replaced by each row's own (reversing a URL
# per row costs more than drawing the row).
_SLOT = 2147483647


@dataclass(frozen=True, slots=True)
class _Url:
    head: str
    tail: str

    @classmethod
    def of(cls, name: str, *args: str) -> "_Url":
        head, _, tail = reverse(name, args=[*args, _SLOT]).rpartition(str(_SLOT))
        return cls(head, tail)

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


@dataclass(frozen=True, slots=True)
class GridLinks:
    """The links of one matrix's table, reversed once per page."""

    activity_edit: _Url
    column_edit: _Url
    role_edit: _Url
    decisions: str

    @classmethod
    def of(cls, workspace_slug: str, matrix_slug: str) -> "GridLinks":
        ws, m = workspace_slug, matrix_slug
        return cls(
            activity_edit=_Url.of("raci:activity_edit", ws, m),
            column_edit=_Url.of("raci:column_edit", ws, m),
            role_edit=_Url.of("workspaces:role_edit", ws),
            decisions=text(reverse("raci:decisions", args=[ws, m])),
        )


def column_head_html(column: RoleColumn, badge: str, *, editable: bool, links: GridLinks | None) -> str:
    """A role's column header: its full name (the header's accessible name), its code for
    narrow columns (hidden from screen readers), a link when nobody holds the role, the
    column's badge and, for editors, its edit link. Without `links` (a read-only copy seen
    outside the workspace) nothing links into the workspace."""
    rid, name, code = column.role_id, text(column.name), text(column.code)
    parts = [
        f'<th scope="col" class="rh" id="col-{rid}"><div class="rh-in"><span class="rname" title="{name} ({code})">'
        f'{name}</span><abbr class="code" title="{name}" aria-hidden="true">{code}</abbr>'
    ]
    if not column.holder_ids and links is None:
        parts.append('<span class="unheld">nobody holds this</span>')
    elif not column.holder_ids and links is not None:
        parts.append(
            f'<a class="unheld" href="{links.role_edit(rid)}" title="Nobody in the workspace holds {code}: '
            'who holds it?">nobody holds this</a>'
        )
    parts.append(badge)
    if editable and links is not None:
        url = links.column_edit(rid)
        parts.append(
            f'<a class="edit" href="{url}" hx-get="{url}" hx-target="#col-{rid}" title="Edit {code}">✎'
            f'<span class="vh"> Edit column {code}</span></a>'
        )
    parts.append("</div></th>")
    return "".join(parts)


def row_head_html(activity: ActivityRow, badge: str, decisions: int, *, editable: bool, links: GridLinks | None) -> str:
    """An activity's row header: its name (its description on hover), the mark linking to
    where its letters come from, its decisions, its badge and, for editors, its edit link."""
    aid, name = activity.id, text(activity.name)
    title = f' title="{text(activity.description)}"' if activity.description else ""
    parts = [f'<th scope="row" class="act" id="ah-{aid}"><div class="act-in"><span class="an"{title}>{name}</span>']
    if activity.our_default:
        parts.append(
            f'<a class="odmark" href="#src-{aid}" title="Some letters here are the template\'s default, not the source '
            f'articles\': read why, then agree on them">our default<span class="vh">: where the letters of {name} '
            "come from</span></a>"
        )
    elif activity.source:
        parts.append(
            f'<a class="srcmark" href="#src-{aid}" title="Where the letters come from">i<span class="vh"> Where the '
            f"letters of {name} come from</span></a>"
        )
    if decisions and links is not None:
        plural = "" if decisions == 1 else "s"
        parts.append(
            f'<a class="dmark" href="{links.decisions}?activity={aid}" title="{decisions} decision{plural}">'
            f"⚖ {decisions}</a>"
        )
    parts.append(badge)
    if editable and links is not None:
        url = links.activity_edit(aid)
        parts.append(
            f'<a class="edit" href="{url}" hx-get="{url}" hx-target="#ah-{aid}" title="Edit activity">✎'
            f'<span class="vh"> Edit {name}</span></a>'
        )
    parts.append("</div></th>")
    return "".join(parts)


RELAY_SOURCES = (
    "The relay of “Product Management vs. Product Marketing: Key Differences”, with the "
    "driver–navigator analogy of “Product Manager vs Product Marketing Manager”"
)


def matrix_table_html(
    *, name: str, columns: list[dict], groups: list[dict], editable: bool, links: GridLinks | None
) -> str:
    """The matrix page's table: one row of column headers (`columns`: each a RoleColumn
    "c" with its "badge"), then each phase's rows (`groups`: each a "label", its "relay" and its "rows",
    each an ActivityRow "a" with its "decisions", "badge" and "cells"). One tab stop for
    the keyboard (static/js/matrix.js)."""
    n_columns = len(columns) + 1
    short = " short-heads" if n_columns > 9 else ""
    described = ' aria-describedby="kbd-help"' if editable else ""
    parts = [
        f'<table class="grid{short}" role="grid" aria-label="{text(name)}: RACI matrix"{described}>'
        '<thead><tr><th scope="col" class="corner">Activity</th>'
    ]
    parts.extend(column_head_html(col["c"], col["badge"], editable=editable, links=links) for col in columns)
    parts.append("</tr></thead>")
    for group in groups:
        relay = group.get("relay")
        if relay and n_columns > 1:
            # Who drives the phase and who navigates, beside its name, with the articles cited.
            parts.append(
                f'<tbody><tr class="phase"><th scope="rowgroup">{text(group["label"])}</th>'
                f'<td class="relay-cell" colspan="{n_columns - 1}"><a class="relay" href="#relay-source" '
                f'title="{RELAY_SOURCES}">{text(relay.relay_label)}</a></td></tr>'
            )
        else:
            parts.append(
                f'<tbody><tr class="phase"><th scope="rowgroup" colspan="{n_columns}">{text(group["label"])}</th></tr>'
            )
        for row in group["rows"]:
            head = row_head_html(row["a"], row["badge"], row["decisions"], editable=editable, links=links)
            parts.append(f'<tr id="row-{row["a"].id}">{head}{row["cells"]}</tr>')
        parts.append("</tbody>")
    parts.append("</table>")
    return "".join(parts)
