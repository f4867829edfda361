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
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
