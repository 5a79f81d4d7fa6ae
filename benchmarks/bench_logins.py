"""What the password step of a login costs with each hasher, and how 50 staff logging in
within a short time queue for the two cores (issue 16, item 4).

One hash check each (median of ROUNDS) for: ours (Argon2id sized for this machine), Django's
PBKDF2 (the previous production hasher, the baseline) and Django's default Argon2 parameters.
Then a burst: BENCH_LOGIN_BURST checks (default 50) submitted at once to a pool of 2 processes
(what 2 cores of gunicorn workers can do at best): the wait of the last is the worst password
step while everyone logs in together. No database is used."""

import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
)

from kokumin_nenkin.accounts.hashers import SizedArgon2PasswordHasher

ROUNDS = 5
PASSWORD = "Bench-Login-Pass-2026"  # noqa: S105 - a benchmark-only password


def _one_check(hasher_cls, encoded: str) -> float:
    started = time.perf_counter()
    assert hasher_cls().verify(PASSWORD, encoded)
    return time.perf_counter() - started


def _median_check(hasher_cls) -> tuple[float, str]:
    encoded = hasher_cls().encode(PASSWORD, hasher_cls().salt())
    return statistics.median(_one_check(hasher_cls, encoded) for _ in range(ROUNDS)), encoded


def _burst(hasher_cls, encoded: str, n: int) -> list[float]:
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(_one_check, hasher_cls, encoded) for _ in range(n)]
        done = []
        for f in futures:
            f.result()
            done.append(time.perf_counter() - started)
    return sorted(done)


def run() -> list[str]:
    n = int(os.environ.get("BENCH_LOGIN_BURST", "50"))
    lines = []
    ours, ours_hash = _median_check(SizedArgon2PasswordHasher)
    pbkdf2, _ = _median_check(PBKDF2PasswordHasher)
    default_argon2, _ = _median_check(Argon2PasswordHasher)
    lines += [
        f"one password check (median of {ROUNDS}):",
        f"  ours, Argon2id 19 MiB t=2 p=1: {ours * 1000:.0f} ms",
        f"  baseline, PBKDF2-SHA256 {PBKDF2PasswordHasher.iterations:,} iterations "
        f"(previous default): {pbkdf2 * 1000:.0f} ms",
        f"  Django's default Argon2 (100 MiB t=2 p=8): {default_argon2 * 1000:.0f} ms",
        f"  ratio ours / PBKDF2: {ours / pbkdf2:.2f}x",
    ]
    waits = _burst(SizedArgon2PasswordHasher, ours_hash, n)
    p95 = waits[max(0, int(len(waits) * 0.95) - 1)]
    lines += [
        f"{n} password checks submitted at once to 2 processes, ours: "
        f"p50 {statistics.median(waits):.2f} s, p95 {p95:.2f} s, last {waits[-1]:.2f} s",
        # the baseline's burst is not run (minutes of CPU on a shared machine): its floor is
        f"  the same burst with PBKDF2 needs at least {n * pbkdf2 / 2:.1f} s of both cores "
        f"(ours: {n * ours / 2:.1f} s)",
    ]
    return lines
