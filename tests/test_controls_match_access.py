"""What each person may do is what they see: walk every page a viewer (then an editor)
reaches from the workspace's dashboard, and use every control each page shows them (every
link, every form, every element with hx-get/hx-post/hx-put/hx-patch/hx-delete). None may
answer 403: a control that would be refused must not be shown.

The walk visits a few URLs of each route (one matrix's hundred cells are one control), and
submits each form with the values the page offers, as the browser would.
"""

from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

HX = ("hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete")
# Leaving is not a control of the page under test: signing out would end the walk.
SKIP_PATHS = {"/accounts/logout/"}
PER_ROUTE = 3


class Control:
    def __init__(self, method: str, url: str, source: str, fields: list[tuple[str, str]] | None = None):
        self.method, self.url, self.source, self.fields = method, url, source, fields or []

    def __repr__(self):
        return f"{self.method} {self.url} ({self.source})"


class _Page(HTMLParser):
    """The links, forms and htmx controls of a page, with the values a browser would send."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.controls: list[Control] = []
        self.form: Control | None = None
        self.form_buttons: list[tuple[str, str]] = []
        self.select: tuple[str, list[str], list[str]] | None = None  # name, options, selected
        self.textarea: tuple[str, list[str]] | None = None

    def _abs(self, href: str) -> str:
        return urljoin(self.url, href)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href") and not a["href"].startswith(("#", "mailto:", "javascript:")):
            self.links.append(self._abs(a["href"]))
        for attr in HX:
            if a.get(attr) is not None:
                method = attr[3:].upper()
                fields = list(self.form.fields) if self.form is not None and tag != "form" else []
                self.controls.append(Control(method, self._abs(a[attr] or self.url), f"<{tag} {attr}>", fields))
        if tag == "form":
            method = (a.get("method") or "get").upper()
            self.form = Control(method, self._abs(a.get("action") or self.url), "<form>")
            self.form_buttons = []
            return
        if self.form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image"):
                self.form_buttons.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append((name, a.get("value", "on")))
            elif kind == "file":
                pass
            elif kind not in ("button", "reset"):
                self.form.fields.append((name, a.get("value", "")))
        elif tag == "button" and (a.get("type") or "submit").lower() == "submit" and name:
            self.form_buttons.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select = (name, [], [])
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select[1].append(value)
            if "selected" in a:
                self.select[2].append(value)
        elif tag == "textarea" and name:
            self.textarea = (name, [])

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "select" and self.select is not None and self.form is not None:
            name, options, selected = self.select
            chosen = selected[:1] or options[:1]
            self.form.fields.extend((name, value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            self.form.fields.append((self.textarea[0], "".join(self.textarea[1])))
            self.textarea = None
        elif tag == "form" and self.form is not None:
            if self.form_buttons:
                # Each submit button is a control of its own (Save, Delete...).
                for button in self.form_buttons:
                    self.controls.append(
                        Control(self.form.method, self.form.url, f"<form> {button[0]}", self.form.fields + [button])
                    )
            else:
                self.controls.append(self.form)
            self.form = None


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def _local(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk(client: Client, starts: list[str]) -> tuple[list[str], list[str]]:
    """Visits every page reachable from `starts` and uses every control on it; returns what
    answered 403, and the pages visited."""
    refused, visited = [], []
    seen_urls, per_route = set(), defaultdict(int)
    queue = deque((url, None) for url in starts)
    controls: list[tuple[str, Control]] = []
    while queue:
        url, found_on = queue.popleft()
        path = urlsplit(url).path
        route = _route(path)
        if url in seen_urls or path in SKIP_PATHS or route is None or path.startswith("/admin/"):
            continue
        seen_urls.add(url)
        if per_route[route] >= PER_ROUTE:
            continue
        per_route[route] += 1
        response = client.get(url)
        if response.status_code == 403:
            if found_on is not None:  # a page a colleague may link to refuses: that is no shown control
                refused.append(f"GET {url}, a link on {found_on}, answers 403")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        visited.append(url)
        parser = _Page(url)
        parser.feed(response.content.decode())
        for link in parser.links:
            local = _local(link)
            if local and local not in seen_urls:
                queue.append((local, url))
        controls.extend((url, control) for control in parser.controls)
    # The controls are used once every page was seen: a delete must not hide a page.
    tried = set()
    for page, control in controls:
        target = _local(control.url)
        if target is None or urlsplit(target).path in SKIP_PATHS:
            continue
        key = (control.method, _route(urlsplit(target).path), control.source)
        if key in tried:
            continue
        tried.add(key)
        if control.method == "GET":
            query = dict(parse_qsl(urlsplit(target).query))
            query.update(dict(control.fields))
            response = client.get(
                urlsplit(target).path + ("?" + urlencode(query) if query else ""),
                headers={"HX-Request": "true"} if control.source.startswith("<") and "hx-" in control.source else {},
            )
        else:
            data = defaultdict(list)
            for name, value in control.fields:
                data[name].append(value)
            response = client.generic(
                control.method,
                target,
                urlencode(dict(data), doseq=True),
                content_type="application/x-www-form-urlencoded",
                headers={"HX-Request": "true"} if "hx-" in control.source else {},
            )
        if response.status_code == 403:
            refused.append(f"{control!r} on {page} answers 403")
    return refused, visited


@pytest.mark.parametrize("level", ["viewer", "editor"])
def test_no_control_shown_answers_403(world, level):
    client = Client(raise_request_exception=False)
    client.force_login(world.people[level].user)
    refused, visited = walk(client, [f"/w/{world.workspace.slug}/", *world.shared_urls().values()])
    # The walk really went round the product, not just the dashboard.
    for name in (
        "matrix",
        "board",
        "launch",
        "rituals",
        "members",
        "roles",
        "notifications",
        "role",
        "matrix settings",
    ):
        assert world.shared_urls()[name] in visited, f"the walk never reached the {name} page"
    assert not refused, "\n".join(refused)
