"""Password rules beyond Django's validators: no reuse of recent passwords, expiry, forced change.

The city's policy (seed Ⅲ 3) requires expiry; NIST SP 800-63B advises against it (docs/security.md).
"""

import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

REUSE_MESSAGE = (
    "直近{count}回に使用したパスワードは再利用できません。別のパスワードを入力してください。"
)


class PasswordHistoryValidator:
    """Refuses the current password and the last `count` ones; records each new password."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        from .models import PasswordHistory, Staff

        hashes = list(
            PasswordHistory.objects.filter(staff_id=user.pk).values_list("password", flat=True)[
                : self.count
            ]
        )
        current = Staff.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        if current:
            hashes.append(current)  # normally already the newest history row
        if any(check_password(password, h) for h in dict.fromkeys(hashes) if h):
            raise ValidationError(REUSE_MESSAGE.format(count=self.count), code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        """Called by Django after a new password is saved: keep its hash in the history."""
        if user is None or user.pk is None or not user.password:
            return
        from .models import PasswordHistory

        PasswordHistory.objects.create(staff_id=user.pk, password=user.password)

    def get_help_text(self) -> str:
        return f"直近{self.count}回に使用したパスワードは使えません。"


def expiry_days() -> int:
    return int(getattr(settings, "PASSWORD_EXPIRY_DAYS", 90))


def password_expired(user, now=None) -> bool:
    days = expiry_days()
    if days <= 0:
        return False
    changed = user.password_changed_at
    if changed is None:
        return True
    return (now or timezone.now()) - changed >= timedelta(days=days)


def password_change_required(user) -> bool:
    """A temporary password (first login, admin reset) or an expired one must be changed first."""
    return bool(user.must_change_password or password_expired(user))


_ALPHABET = string.ascii_letters + string.digits
_SYMBOLS = "-_.#%+="


def generate_temporary_password(length: int = 16) -> str:
    """A random temporary password that passes every validator (letters, digits and a symbol)."""
    while True:
        chars = [secrets.choice(_ALPHABET) for _ in range(length - 1)]
        chars.insert(secrets.randbelow(length), secrets.choice(_SYMBOLS))
        candidate = "".join(chars)
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
        ):
            return candidate


SIMILAR_TO_CURRENT = (
    "現在のパスワードに似ています（数字だけ、または1〜2文字だけの違いは使えません）。"
    "別のパスワードにしてください。"
)


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def similar_to_current(new: str, current: str) -> bool:
    """Seed Ⅲ 3 (類似のパスワードの再利用を禁止): the new password differs from the current
    one only in its digits (Summer-2025 → Summer-2026), or by at most two characters, or only
    in letter case. Needs the current password in clear, so it is checked at a change, where
    the user has just typed it."""
    if not new or not current:
        return False
    fold_new, fold_current = new.casefold(), current.casefold()
    if fold_new == fold_current:
        return True
    strip = str.maketrans("", "", "0123456789")
    if fold_new.translate(strip) == fold_current.translate(strip):
        return True
    return _distance(fold_new, fold_current) <= 2
