"""The matrix page's big fragments, drawn by the plain-Python renderers (raci.grid_render,
raci.panel_render) from the context the views give the templates."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from raci.grid_render import GridLinks, matrix_table_html
from raci.panel_render import findings_html

register = template.Library()


@register.simple_tag
def matrix_table(workspace, matrix, columns, groups, editable) -> SafeString:
    """The grid's table. Safe: the renderer escapes every piece of user text."""
    links = GridLinks.of(workspace.slug, matrix.slug)
    html = matrix_table_html(name=matrix.name, columns=columns, groups=groups, editable=bool(editable), links=links)
    return mark_safe(html)


@register.simple_tag
def findings_list(panel, accepted, editable) -> SafeString:
    """The findings panel's lists. Safe: the renderer escapes every piece of user text."""
    return mark_safe(findings_html(panel or [], accepted or [], editable=bool(editable)))
