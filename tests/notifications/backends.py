"""Stand-ins for the outside world only: a mail server that refuses, and one that fails a few times first."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

attempts: list[str] = []


class RefusingBackend(LocmemBackend):
    """Every send fails as an unreachable SMTP server would."""

    def send_messages(self, messages):
        attempts.extend(address for message in messages for address in message.to)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(LocmemBackend):
    """The first two sends fail; then it delivers to Django's test outbox."""

    failures_left = 2

    def send_messages(self, messages):
        attempts.extend(address for message in messages for address in message.to)
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPDataError(451, "Try again later")
        return super().send_messages(messages)
