"""Mail goes out as 8-bit UTF-8 text where the transport allows, so links copy whole."""

import io

from django.core.mail import EmailMessage, mailers
from django.test import override_settings

from config.settings import base

LINK = "http://127.0.0.1:8000/signup/confirm/" + "eyJ1IjoiYWRhQGV4YW1wbGUuY29tIn0:1vZ" * 4 + "/?next=/w/acme/"


def _mailer(backend: str, **options):
    with override_settings(MAILERS={"default": {"BACKEND": backend, "OPTIONS": options}}):
        return mailers["default"]


def _console(out):
    return _mailer("core.mail.ConsoleBackend", stream=out)


def _message(body: str) -> EmailMessage:
    return EmailMessage(subject="Confirm", body=body, from_email="lockstep@localhost", to=["ada@example.com"])


def test_the_console_prints_a_long_link_whole_and_unencoded():
    out = io.StringIO()
    _console(out).send_messages([_message(f"Hello Zoë,\n\nOpen {LINK} to confirm.\n")])
    printed = out.getvalue()
    assert LINK in printed
    assert "Content-Transfer-Encoding: 8bit" in printed
    assert "Zoë" in printed
    assert "=3D" not in printed


def test_development_prints_mail_through_the_eight_bit_console():
    assert base.MAILERS["default"]["BACKEND"] == "core.mail.ConsoleBackend"
    assert base.smtp_mailer()["BACKEND"] == "core.mail.SMTPBackend"


class FakeSMTP:
    def __init__(self, extensions):
        self.extensions = extensions
        self.sent = []

    def ehlo_or_helo_if_needed(self):
        pass

    def has_extn(self, name):
        return name.lower() in self.extensions

    def sendmail(self, from_addr, to_addrs, msg, mail_options=()):
        self.sent.append((msg, list(mail_options)))


def _smtp(extensions):
    backend = _mailer("core.mail.SMTPBackend", host="mail.example.com")
    backend.connection = FakeSMTP(extensions)
    backend.open = lambda: False
    backend.close = lambda: None
    return backend


def test_smtp_sends_eight_bit_to_a_server_announcing_8bitmime():
    backend = _smtp({"8bitmime"})
    backend.send_messages([_message(f"Open {LINK}\n")])
    [(raw, options)] = backend.connection.sent
    assert options == ["BODY=8BITMIME"]
    assert b"Content-Transfer-Encoding: 8bit" in raw
    assert LINK.encode() in raw


def test_smtp_keeps_seven_bit_encodings_for_a_server_without_8bitmime():
    backend = _smtp(set())
    backend.send_messages([_message(f"Open {LINK}\n")])
    [(raw, options)] = backend.connection.sent
    assert options == []
    assert b"Content-Transfer-Encoding: quoted-printable" in raw


def test_a_line_over_the_mail_limit_stays_encoded():
    out = io.StringIO()
    _console(out).send_messages([_message("x" * 1200 + "\n")])
    assert "Content-Transfer-Encoding: 8bit" not in out.getvalue()
