"""The main forms mark their required fields (the label's class puts a visible asterisk after it,
hidden from screen readers, which announce the field's `required` attribute instead: the
label's name stays the field's), and a refused form shows each error next to its field,
tied to it for screen readers (`aria-invalid`, `aria-describedby`)."""

import re

import pytest
from django.test import Client

LABEL = re.compile(r"<label([^>]*)>(.*?)</label>", re.DOTALL)
FIELD = re.compile(r'<(input|select|textarea)\b[^>]*\bid="([^"]+)"[^>]*>', re.DOTALL)


def _client(world, who):
    client = Client()
    client.force_login(world.people[who].user)
    return client


def _fields(html: str) -> dict[str, str]:
    return {m.group(2): m.group(0) for m in FIELD.finditer(html)}


def _marked(html: str) -> dict[str, bool]:
    """Each label's field id, and whether the label marks it required."""
    marked = {}
    for m in LABEL.finditer(html):
        target = re.search(r'\bfor="([^"]+)"', m.group(1))
        if target:
            classes = re.search(r'\bclass="([^"]*)"', m.group(1))
            marked[target.group(1)] = bool(classes and "required" in classes.group(1).split())
    return marked


def _required_ids(html: str) -> set[str]:
    return {fid for fid, tag in _fields(html).items() if re.search(r"\srequired(\s|>|=)", tag)}


def assert_required_marked(html: str, expected: set[str]):
    required, marked = _required_ids(html), _marked(html)
    assert expected <= required, f"not required: {expected - required}"
    for fid in expected:
        assert marked.get(fid), f"the label of {fid} does not mark it required"
    # And nothing is marked required that is not (a select that always has a choice, a time
    # zone or an access level, is required without the attribute, which it may not carry).
    fields = _fields(html)
    wrongly = {
        fid
        for fid, is_marked in marked.items()
        if is_marked and fid not in required and not fields.get(fid, "").startswith("<select")
    }
    assert not wrongly, f"marked required but not required: {wrongly}"


PAGES = {
    # page, who, the ids of fields that must be marked required
    "board (add a launch)": ("board", "editor", {"id_name"}),
    "members (invite)": ("members", "admin", {"id_email"}),
    "workspace settings": ("workspace settings", "admin", {"id_name"}),
    "roles (add a role)": ("roles", "editor", {"id_name", "id_code"}),
    "matrix (add an activity)": ("matrix", "editor", {"new-activity-name"}),
}


@pytest.mark.parametrize("case", list(PAGES))
def test_the_main_forms_mark_their_required_fields(world, case):
    name, who, expected = PAGES[case]
    html = _client(world, who).get(world.urls()[name]).content.decode()
    assert_required_marked(html, expected)


def test_a_fields_error_is_next_to_it_and_tied_to_it(world):
    html = (
        _client(world, "admin")
        .post(f"/w/{world.workspace.slug}/invitations/", {"email": "", "access": "editor"})
        .content.decode()
    )
    field = _fields(html)["id_email"]
    assert 'aria-invalid="true"' in field
    assert re.search(r'aria-describedby="[^"]*\bid_email_error\b', field)
    # The error comes right after its field, before the next field starts.
    after = html.split(field, 1)[1]
    error = after.index('id="id_email_error"')
    assert error < after.index("<input") if "<input" in after else True
    assert error < after.index("</div>", error) and 'class="error"' in after[error : after.index("</div>", error)]


def test_a_refused_launch_keeps_what_was_typed_and_says_why_at_the_field(world):
    html = (
        _client(world, "editor")
        .post(f"/w/{world.workspace.slug}/launches/{world.cycle.slug}/add/", {"name": "", "summary": "Keep me"})
        .content.decode()
    )
    name = _fields(html)["id_name"]
    assert 'aria-invalid="true"' in name and "id_name_error" in name
    assert 'id="id_name_error"' in html.split(name, 1)[1].split('<div class="field', 1)[0]
    assert "Keep me" in html
