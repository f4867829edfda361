"""Mail backends that send text as 8-bit UTF-8 where the transport allows.

Python's e-mail package encodes any line longer than 78 characters as quoted-printable,
so a long link in a mail printed to the console broke where it was wrapped (`=` at the
end of a line, `=3D` for `=`) and could not be copied whole. Here a text part whose lines
all fit the 998-byte limit of RFC 5322 goes out as `8bit` instead: on the console always,
over SMTP when the server announces 8BITMIME (else the usual 7-bit encodings stay).
"""

from __future__ import annotations

import email.message
import email.policy
import smtplib

from django.core.mail.backends import console, smtp

LINE_LIMIT = 998  # bytes per line, without the line break (RFC 5322, 2.1.1)


def eight_bit(message: email.message.EmailMessage) -> email.message.EmailMessage:
    """The message with every quoted-printable or base64 text part re-encoded as 8bit,
    where each of its lines fits LINE_LIMIT; other parts unchanged."""
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        if part.get("Content-Transfer-Encoding", "").lower() not in ("quoted-printable", "base64"):
            continue
        if part.get_filename():  # an attachment keeps its encoding
            continue
        text = part.get_content()
        charset = part.get_content_charset() or "utf-8"
        if any(len(line.encode(charset)) > LINE_LIMIT for line in text.splitlines()):
            continue
        part.set_content(text, subtype=part.get_content_subtype(), charset=charset, cte="8bit")
    return message


class _EightBit:
    """An EmailMessage whose `message()` is re-encoded by `eight_bit`."""

    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def message(self, **kwargs):
        return eight_bit(self._inner.message(**kwargs))


class ConsoleBackend(console.EmailBackend):
    """The console backend, printing text as it is written (links copy whole)."""

    def send_messages(self, email_messages):
        return super().send_messages([_EightBit(m) for m in email_messages or ()])


class SMTPBackend(smtp.EmailBackend):
    """The SMTP backend, sending 8-bit text (BODY=8BITMIME) to servers that accept it."""

    def _send(self, email_message):
        if not email_message.recipients():
            return False
        self.connection.ehlo_or_helo_if_needed()
        if not self.connection.has_extn("8bitmime"):
            return super()._send(email_message)
        from_email = self.prep_address(email_message.from_email)
        recipients = [self.prep_address(addr) for addr in email_message.recipients()]
        message = eight_bit(email_message.message(policy=email.policy.SMTP))
        try:
            self.connection.sendmail(from_email, recipients, message.as_bytes(), mail_options=["BODY=8BITMIME"])
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
