"""Reads of entries: the work queues and what the person page shows."""

from django.db.models import Count, Q, QuerySet

from .models import OPEN_STATUSES, Entry, Status


def generic_kinds() -> list[str]:
    """The kinds the generic screens show (account changes have their own)."""
    from .registry import all_kinds

    return [code for code, kind in all_kinds().items() if kind.generic_screens]


def my_entries(user) -> QuerySet[Entry]:
    """The maker's open entries, those returned to them first, then oldest first."""
    return (
        Entry.objects.filter(maker=user, status__in=OPEN_STATUSES, kind__in=generic_kinds())
        .select_related("person", "checker")
        .order_by("-status", "created_at", "id")  # "returned" sorts before "pending"
    )


def waiting_for_verification(user) -> QuerySet[Entry]:
    """Entries this user may verify (not their own), oldest first."""
    return (
        Entry.objects.filter(status=Status.PENDING, kind__in=generic_kinds())
        .exclude(maker=user)
        .select_related("person", "maker", "maker_office")
        .order_by("created_at", "id")
    )


def returned_count(user) -> int:
    return Entry.objects.filter(
        maker=user, status=Status.RETURNED, kind__in=generic_kinds()
    ).count()


def open_entries_for(person) -> QuerySet[Entry]:
    return Entry.objects.filter(person=person, status__in=OPEN_STATUSES).select_related("maker")


def work_counts(user) -> dict[str, int]:
    """The work-queue counts of the home page: the user's own open and returned entries, and
    the entries waiting for them to verify (each only with the permission that uses it), in one
    query (the same filters as my_entries, returned_count and waiting_for_verification)."""
    from kokumin_nenkin.accounts.roles import perm

    counts = {"returned": 0, "mine": 0, "waiting": 0}
    wanted = {}
    if user.has_perm(perm("enter_entry")):
        wanted["mine"] = Count("pk", filter=Q(maker=user, status__in=OPEN_STATUSES))
        wanted["returned"] = Count("pk", filter=Q(maker=user, status=Status.RETURNED))
    if user.has_perm(perm("verify_entry")):
        wanted["waiting"] = Count("pk", filter=Q(status=Status.PENDING) & ~Q(maker=user))
    if wanted:
        counts.update(
            Entry.objects.filter(status__in=OPEN_STATUSES, kind__in=generic_kinds()).aggregate(
                **wanted
            )
        )
    return counts


# --- dead ends known from the person alone (issue 14, item 5) ------------------------------
def already_open(kind, receipt_number: str) -> str:
    return (
        f"この方の「{kind.label}」は既に受付中です（受付番号 {receipt_number}）。"
        "受付中の内容を確認してください。"
    )


# The person page reads the person's open entries once and keeps them on the person object
# (`remember_open_entries`), so `offers` asks no query of its own there (issue 16).
OPEN_ENTRIES_SNAPSHOT = "_open_entries"


def remember_open_entries(person, entries: list[Entry]) -> None:
    """Keep `entries` (every open entry of `person`, any kind) on the person object."""
    setattr(person, OPEN_ENTRIES_SNAPSHOT, entries)


def offers(kinds, person) -> list[dict]:
    """Each kind with the refusal known before its form is filled ("" when it may be taken
    in): an open entry of the same kind, then the kind's own `precheck`. The open entries
    come from the person page's snapshot, or else from one query for all `kinds`; each
    kind's checks read what the page already holds where it keeps a snapshot."""
    codes = [k.code for k in kinds]
    remembered = getattr(person, OPEN_ENTRIES_SNAPSHOT, None)
    if remembered is not None:
        found = sorted(
            ((e.created_at, e.kind, e.receipt_number) for e in remembered if e.kind in codes),
            key=lambda t: t[0],
        )
        open_numbers = {kind: number for _, kind, number in found}
    else:
        open_numbers = dict(
            Entry.objects.filter(person=person, kind__in=codes, status__in=OPEN_STATUSES)
            .order_by("created_at")
            .values_list("kind", "receipt_number")
        )
    rows = []
    for kind in kinds:
        number = open_numbers.get(kind.code)
        refusal = already_open(kind, number) if number else kind.precheck(person)
        rows.append({"kind": kind, "code": kind.code, "label": kind.label, "refusal": refusal})
    return rows


def dead_end(kind, person) -> str:
    """The refusal of taking `kind` in for `person` known before the form is filled, or ""."""
    return offers([kind], person)[0]["refusal"]
