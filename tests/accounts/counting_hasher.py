"""A real PBKDF2 hasher that also counts how many passwords it checked: the figure the lockout must bound.

The tests that race sign-ins switch PASSWORD_HASHERS to it, so a check costs what it does in production
(the test settings' MD5 is so fast that "at once" would hardly overlap) and every check is counted.
"""

import threading

from django.contrib.auth.hashers import PBKDF2PasswordHasher

_lock = threading.Lock()
_checked = 0


class CountingPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    algorithm = "counted_pbkdf2_sha256"
    iterations = 300_000

    def verify(self, password, encoded):
        global _checked
        with _lock:
            _checked += 1
        return super().verify(password, encoded)


def checked() -> int:
    """Passwords checked against a hash since the process started."""
    return _checked
