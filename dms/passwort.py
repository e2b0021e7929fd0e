"""The password hash: Argon2id at the OWASP parameters (19 MiB, 2 passes, 1 lane) instead of Django's PBKDF2 with
1,000,000 rounds.

Both are above the OWASP Password Storage Cheat Sheet's minimums (PBKDF2-HMAC-SHA256: 600,000 rounds; Argon2id:
m=19 MiB, t=2, p=1, listed there as equivalent). Argon2id is memory-hard, so a guessing rig pays in memory as well as in
time, while our server pays about 26 ms of CPU per login instead of about 225 ms (docs/security.md, measured in
docs/benchmarks.md). Operators may raise the cost (PASSWORT_ARGON2_SPEICHER_KIB, PASSWORT_ARGON2_DURCHLAEUFE), never
below the minimum; existing hashes (PBKDF2, or Argon2 with other parameters) are re-hashed at the next login.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

OWASP_SPEICHER_KIB = 19 * 1024
OWASP_DURCHLAEUFE = 2


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 (variant id, same algorithm name "argon2": the parameters are stored in every hash)."""

    parallelism = 1

    @property
    def memory_cost(self) -> int:
        return max(OWASP_SPEICHER_KIB, int(getattr(settings, "PASSWORT_ARGON2_SPEICHER_KIB", OWASP_SPEICHER_KIB)))

    @property
    def time_cost(self) -> int:
        return max(OWASP_DURCHLAEUFE, int(getattr(settings, "PASSWORT_ARGON2_DURCHLAEUFE", OWASP_DURCHLAEUFE)))
