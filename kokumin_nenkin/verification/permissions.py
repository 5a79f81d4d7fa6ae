"""Who may do what to an entry. Views, services and templates all ask these predicates."""

from kokumin_nenkin.accounts.roles import perm

from .models import OPEN_STATUSES, Status


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_enter(user) -> bool:
    return _active(user) and user.has_perm(perm("enter_entry"))


def can_verify(user, entry) -> bool:
    """A 確認担当 other than the maker, on an entry waiting for verification."""
    return (
        _active(user)
        and user.has_perm(perm("verify_entry"))
        and entry.maker_id != user.pk
        and entry.status == Status.PENDING
    )


def can_withdraw(user, entry) -> bool:
    return _active(user) and entry.maker_id == user.pk and entry.status in OPEN_STATUSES


def can_resubmit(user, entry) -> bool:
    """A returned entry goes back to its maker, who re-enters it."""
    return can_enter(user) and entry.maker_id == user.pk and entry.status == Status.RETURNED


def can_amend(user, entry) -> bool:
    """An approved entry is never edited: a correction is a new entry, verified again."""
    return can_enter(user) and entry.status == Status.APPROVED
