"""Who may do what to an entry. Views, services and templates all ask these predicates."""

from kokumin_nenkin.accounts.roles import perm

from .models import OPEN_STATUSES, Status


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_enter(user, kind=None) -> bool:
    """May take in an entry (of `kind`: a kind may name its own permission, e.g. the report
    clerk's `import_jps_results` for a results file to apply)."""
    codename = getattr(kind, "enter_permission", "enter_entry") if kind else "enter_entry"
    return _active(user) and user.has_perm(perm(codename))


def can_verify(user, entry) -> bool:
    """A 確認担当 (or whom the kind names) other than the maker, on an entry waiting for
    verification."""
    from .registry import get_kind

    try:
        codename = get_kind(entry.kind).verify_permission
    except KeyError:
        codename = "verify_entry"
    return (
        _active(user)
        and user.has_perm(perm(codename))
        and entry.maker_id != user.pk
        and entry.status == Status.PENDING
    )


def can_withdraw(user, entry) -> bool:
    return _active(user) and entry.maker_id == user.pk and entry.status in OPEN_STATUSES


def can_resubmit(user, entry) -> bool:
    """A returned entry goes back to its maker, who re-enters it."""
    from .registry import get_kind

    try:
        kind = get_kind(entry.kind)
    except KeyError:
        kind = None
    return can_enter(user, kind) and entry.maker_id == user.pk and entry.status == Status.RETURNED


def can_amend(user, entry) -> bool:
    """An approved entry is never edited: a correction is a new entry, verified again."""
    return (
        can_enter(user)
        and entry.person_id is not None
        and entry.status in (Status.APPROVED, Status.REPORTED)
    )
