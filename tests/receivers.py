"""Stand-ins for the outside world that tests talk to over real sockets."""

import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer


class Receiver:
    """An HTTP server on 127.0.0.1 that records what it is POSTed (headers, body, when) and
    answers `status`."""

    def __init__(self, status=200):
        self.status, self.requests, self.times = status, [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                receiver.times.append(time.monotonic())
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class ChatListener:
    """A Slack or Teams stand-in on 127.0.0.1: records each message (path, headers, JSON)
    and answers from `answers`, a list of (status, headers, body) used in turn, the last
    one repeated (by default 200 "ok", as Slack's incoming webhooks answer)."""

    def __init__(self, answers=None):
        self.answers = list(answers or [(200, {}, "ok")])
        self.messages: list[dict] = []
        self.headers: list[dict] = []
        self.paths: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                import json

                body = self.rfile.read(int(self.headers["Content-Length"]))
                listener.paths.append(self.path)
                listener.headers.append(dict(self.headers))
                listener.messages.append(json.loads(body))
                status, headers, text = listener.answers[0] if len(listener.answers) == 1 else listener.answers.pop(0)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                data = text.encode()
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.slack_url = f"{self.base}/services/T000/B000/XXXX"
        self.teams_url = f"{self.base}/powerautomate/automations/direct/workflows/abc/triggers/manual/paths/invoke"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
