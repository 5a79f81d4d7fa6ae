"""The cost of the no-reuse rule with the production password hasher: a password change checks
the new password against the last 5 hashes (the newest is the current one), against the
baseline of one check (what a login costs)."""

import time

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.test import override_settings

from kokumin_nenkin.accounts.models import Office, Role, Staff
from kokumin_nenkin.accounts.services import staff_change_own_password

PRODUCTION_HASHERS = ["kokumin_nenkin.accounts.hashers.SizedArgon2PasswordHasher"]
ROUNDS = 3


def run() -> list[str]:
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        user = Staff.objects.create_user(
            username="bench-history",
            password="Bench-Initial-Pass-00",
            role=Role.COUNTER,
            office=Office.objects.get(code="honcho"),
        )
        for i in range(1, 6):
            staff_change_own_password(
                staff=user, new_password=f"Bench-Rotate-Pass-{i:02d}", actor=user
            )
        encoded = make_password("Bench-Login-Pass-99")
        started = time.perf_counter()
        for _ in range(ROUNDS):
            check_password("Bench-Login-Pass-99", encoded)
        one_check = (time.perf_counter() - started) / ROUNDS
        started = time.perf_counter()
        for _ in range(ROUNDS):
            validate_password("Bench-Never-Used-77", user)
        validation = (time.perf_counter() - started) / ROUNDS
    return [
        "hasher: Argon2id (SizedArgon2PasswordHasher: 19 MiB, 2 iterations, 1 lane)",
        f"baseline, one password check (a login): {one_check * 1000:.0f} ms",
        f"validate_password for a change (all validators, the last 5 hashes): "
        f"{validation * 1000:.0f} ms",
        f"ratio: {validation / one_check:.1f}x (expected about 5: one check per kept hash)",
    ]
