"""Password hashing: Argon2id (OWASP's first choice), sized for the office's server.

Django's own Argon2 parameters (time 2, 100 MiB, 8 lanes) took ~0.9 s a login on the 2-core
machine of docs/performance.md, and 50 staff logging in together queued for seconds. These are
OWASP's Password Storage Cheat Sheet minimum for Argon2id (19 MiB, 2 iterations, 1 lane): about
0.1 s here. A hash made with other parameters (or with PBKDF2, the previous default) is
re-made at the holder's next login (`Staff.check_password`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class SizedArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2PasswordHasher (Argon2id, same "argon2" prefix), with our parameters."""

    time_cost = 2
    memory_cost = 19456  # KiB (19 MiB)
    parallelism = 1
