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


class CountingBackend(LocmemBackend):
    """Delivers to Django's test outbox, counting the connections opened (one per batch of e-mails)."""

    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return super().open()


class SecondRefusedOnceBackend(LocmemBackend):
    """The second e-mail handed over is refused once (a passing failure mid-batch); the rest go through."""

    handed = 0

    def send_messages(self, messages):
        attempts.extend(address for message in messages for address in message.to)
        SecondRefusedOnceBackend.handed += len(messages)
        if SecondRefusedOnceBackend.handed == 2:
            raise smtplib.SMTPDataError(451, "Try again later")
        return super().send_messages(messages)
