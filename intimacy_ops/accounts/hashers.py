"""The password hasher: Argon2id at a documented strength (README, "Passwords").

Django's own Argon2 defaults (102,400 KiB, 2 passes, 8 lanes) cost about as much CPU as the PBKDF2 they
replace on a small server; these are OWASP's recommended minimum for Argon2id (19 MiB, 2 passes, 1 lane),
which a GPU attacker still pays for in memory, at a few tens of milliseconds of one core per sign-in.
The algorithm name stays `argon2`, so the stored hashes are ordinary Django Argon2 hashes; a hash made
with other parameters (or by PBKDF2, still listed after it) is re-hashed with these at the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    time_cost = 2
    memory_cost = 19_456  # KiB
    parallelism = 1
