"""The workshop under load: editors on one matrix, each editing about once a second (at
random moments, each on their own) and staying live the way the open page does (polling
for others' changes every 800 ms, fetching the findings panel after each of their own
edits).

    LOAD_WORLD=world.json locust -f tests/load/locustfile.py --host https://lockstep.example.com

`make load` prepares the world, starts the application, runs this headless and checks the
matrix afterwards; see tests/load/__main__.py. Reported besides Locust's own statistics:
`LIVE seen by another editor`, the time from an edit being sent to another editor's
page receiving it, and `LOAD generator delay`, how late this process runs what it meant
to run (when it grows, the figures are the generator's, not the server's).
"""

import itertools
import json
import os
import random
import re
import time
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, events, task
from locust.contrib.fasthttp import FastHttpSession

WORLD = json.load(open(os.environ["LOAD_WORLD"])) if os.environ.get("LOAD_WORLD") else None
EDIT_EVERY = float(os.environ.get("LOAD_EDIT_EVERY", "1.0"))
POLL_EVERY = float(os.environ.get("LOAD_POLL_EVERY", "0.8"))  # the page's hx-trigger; 0: pages stream
# Several web processes: each editor's page is served by one of them, round robin.
HOSTS = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h]
VALUES = ["R", "A", "AR", "C", "I", ""]
CELL = re.compile(r'<a id="c-(\d+)-(\d+)" class="[^"]*" href="[^"]*" data-v="(\d+)"')
SINCE = re.compile(r'id="live"[^>]*?since=(\d+)')
PANEL = re.compile(r'name="panel" value="(\d+)"')
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')

_next_session = itertools.count()
# Shared by all editors of this process: when each accepted version of a cell was sent,
# and the last accepted write of every cell (for the check after the run).
SENT: dict[tuple[int, int, int], float] = {}
ACCEPTED: dict[str, tuple[int, str]] = {}
COUNT = {"accepted": 0}
PENDING: set[tuple[str, int, str]] = set()


class Editor(FastHttpUser):
    # geventhttpclient, not requests: a tenth of the client's CPU per request, so that with
    # the generator on the server's machine the figures are the server's, not the generator's.

    def wait_time(self):
        # People in a room edit each on their own: an editor's edits arrive at random, about
        # every EDIT_EVERY seconds (a Poisson process), not in step with the others'. A
        # fixed pace puts the whole room in step after any pause, every edit of the room
        # then arriving in the same few milliseconds, which no room of people does.
        now = time.monotonic()
        self.next_edit = max(getattr(self, "next_edit", now) + random.expovariate(1 / EDIT_EVERY), now)
        return self.next_edit - now

    def on_start(self):
        world = WORLD
        self.path = world["path"]
        index = next(_next_session)
        if HOSTS:
            self.host = HOSTS[index % len(HOSTS)]
            self.client = FastHttpSession(self.host, request_event=self.environment.events.request, user=self)
        session = f"{world['session_cookie']}={world['sessions'][index % len(world['sessions'])]}"
        page = self.client.get(self.path, name="matrix page", headers={"Cookie": session})
        html = page.text
        self.versions = {(int(a), int(r)): int(v) for a, r, v in CELL.findall(html)}
        self.values = {}
        # The page's token pairs with the CSRF cookie its answer set; both go on every request
        # (the cookies are kept here, by hand, for the editor and its poller alike).
        csrf_cookie = next(c.value for c in self.client.cookiejar if c.name == "csrftoken")
        # gunicorn's sync workers close every connection after its answer: say so, or the client
        # would try the closed one first.
        self.headers = {
            "HX-Request": "true",
            "X-CSRFToken": CSRF.search(html).group(1),
            "Connection": "close",
            "Referer": self.host + self.path,
            "Cookie": f"{session}; csrftoken={csrf_cookie}",
        }
        self.since = int(SINCE.search(html).group(1))
        self.panel = int(PANEL.search(html).group(1))
        self.cells = [tuple(c) for c in world["cells"]]
        self.poller = FastHttpSession(self.host, request_event=self.environment.events.request, user=self)
        # With a stream, the page sends no polls: tests/load/listen.py holds its stream.
        self.live = gevent.spawn(self._stay_live) if POLL_EVERY > 0 else None

    def on_stop(self):
        if self.live is not None:
            self.live.kill(block=False)

    @task
    def edit(self):
        a, r = random.choice(self.cells)
        value = random.choice([v for v in VALUES if v != self.values.get((a, r))])
        sent = time.time()
        # The form as bytes, so it leaves with its headers in one packet, as a browser's does
        # (a separate body packet waits ~40 ms on Nagle and delayed ACKs).
        version = self.versions.get((a, r), 0)
        body = urlencode({"value": value, "version": version}).encode()
        # Sent but not yet answered: when the run stops, such an edit may or may not be saved.
        pending = (f"{a}-{r}", version + 1, value)
        PENDING.add(pending)
        with self.client.post(
            f"{self.path}cells/{a}/{r}/",
            data=body,
            name="edit",
            catch_response=True,
            headers={**self.headers, "Content-Type": "application/x-www-form-urlencoded"},
        ) as response:
            PENDING.discard(pending)
            found = CELL.search(response.text or "")
            if response.status_code in (200, 409) and found:
                version = int(found.group(3))
                self.versions[(a, r)] = version
                if response.status_code == 409:
                    response.success()  # someone else got there first: the page says so
                    return
                self.values[(a, r)] = value
                response.success()
            else:
                response.failure(f"edit answered {response.status_code}")
                return
        # django-htmx writes the event as JSON ({"findings-changed": ...}) or as its bare name.
        if "findings-changed" in (response.headers.get("HX-Trigger") or ""):
            SENT[(a, r, version)] = sent
            COUNT["accepted"] += 1
            key = f"{a}-{r}"
            if ACCEPTED.get(key, (0, ""))[0] < version:
                ACCEPTED[key] = (version, value)
            self.client.get(f"{self.path}findings/", headers=self.headers, name="findings panel")

    def _stay_live(self):
        # Like htmx's `every 800ms`: the page's timer fires every interval from when the page
        # was opened, whatever the last poll took; a tick that comes while a poll is still in
        # flight is skipped (htmx does not send a second request from the same element).
        due = time.monotonic() + random.uniform(0, POLL_EVERY)
        while True:
            now = time.monotonic()
            while due < now:  # this tick's poll is done; skip those that came while it was in flight
                due += POLL_EVERY
            gevent.sleep(due - now)
            url = f"{self.path}changes/?since={self.since}&page=1&panel={self.panel}"
            with self.poller.get(url, headers=self.headers, name="live update", catch_response=True) as response:
                if response.status_code == 204:
                    response.success()
                    continue
                if response.status_code != 200 or not SINCE.search(response.text):
                    response.failure(f"live update answered {response.status_code}")
                    continue
                response.success()
            html, now = response.text, time.time()
            self.since = int(SINCE.search(html).group(1))
            panel = PANEL.search(html)
            if panel:
                self.panel = int(panel.group(1))
            for a, r, v in CELL.findall(html):
                key = (int(a), int(r))
                self.versions[key] = max(self.versions.get(key, 0), int(v))
                sent = SENT.get((*key, int(v)))
                if sent is not None:
                    events.request.fire(
                        request_type="LIVE",
                        name="seen by another editor",
                        response_time=(now - sent) * 1000,
                        response_length=0,
                        exception=None,
                        context={},
                    )


@events.quitting.add_listener
def _write_accepted(environment, **kwargs):
    out = os.environ.get("LOAD_ACCEPTED")
    if out:
        with open(out, "w") as f:
            sent = {f"{a}-{r}-{v}": at for (a, r, v), at in SENT.items()}
            json.dump({"count": COUNT["accepted"], "last": ACCEPTED, "pending": sorted(PENDING), "sent": sent}, f)


@events.init.add_listener
def _watch_the_generator(environment, **kwargs):
    """How late this process wakes up a greenlet that asked to sleep 10 ms, reported as
    `LOAD generator delay`: when it stays small, the times above are the server's, not a
    busy generator's."""

    def watch():
        while True:
            start = time.monotonic()
            gevent.sleep(0.01)
            environment.events.request.fire(
                request_type="LOAD",
                name="generator delay",
                response_length=0,
                response_time=(time.monotonic() - start - 0.01) * 1000,
                exception=None,
                context={},
            )

    if environment.runner is not None:
        gevent.spawn(watch)
