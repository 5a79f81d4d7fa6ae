"""処理結果の取込: a JPS results file (F2) validated, reconciled with what was reported, and
applied as a two-person verified action.

upload (whole file validated, nothing kept on any error, the same file refused twice) →
reconciliation screen → the clerk requests the apply: a verification Entry of kind
`jps_reporting.results` (no person) → a 確認担当 other than the clerk approves, re-keying the
file's line count from JPS's cover → `results_apply` in the approval's transaction: 基礎年金番号
assigned, exemption / 付加 decisions through the exemptions services, `mark_imported`.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit import diffs
from audit.models import Action
from audit.services import record
from kokumin_nenkin.identifiers import normalise_basic_pension_number
from kokumin_nenkin.verification.models import OPEN_STATUSES, Entry
from kokumin_nenkin.verification.registry import (
    DecisionRefused,
    JpsDecision,
    get_kind,
)
from kokumin_nenkin.verification.services import StaleEntry, entry_submit
from kokumin_nenkin.wareki import format_month
from qualifications.models import Person

from .codes import EXEMPTION_CLASSES, PROCESS_KINDS, RESULTS
from .formats.f2 import (
    KIND,
    F2Input,
    Outcome,
    Reconciled,
    ReportedRef,
    ResultLine,
    reconcile,
    summarize,
)
from .models import BatchItem, ResultsUpload

RESULTS_KIND = "jps_reporting.results"


class ResultsRefused(Exception):
    """The file cannot be taken in; the message is Japanese."""


# --- reading ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """The record a result line answers (the one the entry's approval wrote or changed) and
    the entry whose kind reads JPS's decision on it."""

    record: Any
    entry: Entry

    def decide(self, line: ResultLine, *, actor=None) -> str:
        """Check (no actor) or write JPS's decision through the entry's kind."""
        return get_kind(self.entry.kind).jps_decision(
            self.entry, self.record, _as_decision(line), actor=actor
        )


def _targets(entries) -> dict[int, Target]:
    """The records of these entries, one query per record model."""
    wanted: dict[type, dict[int, Any]] = {}
    for e in entries:
        kind = _kind(e.kind)
        model = kind.record_model if kind is not None else None
        if model is not None and e.applied_object_id.isdigit():
            wanted.setdefault(model, {})[int(e.applied_object_id)] = e
    found = {}
    for model, by_pk in wanted.items():
        for pk, obj in model.objects.in_bulk(list(by_pk)).items():
            entry = by_pk[pk]
            found[entry.pk] = Target(obj, entry)
    return found


def _kind(code: str):
    try:
        return get_kind(code)
    except KeyError:
        return None


def lookup(numbers) -> dict[str, ReportedRef]:
    """What was reported under these 受付番号 (the batch items' stored report lines), with the
    record each entry wrote, so the screen can say when a decision contradicts its state."""
    items = list(
        BatchItem.objects.filter(entry__receipt_number__in=list(numbers)).select_related("entry")
    )
    targets = _targets([i.entry for i in items])
    found = {}
    for item in items:
        s = item.snapshot
        found[item.entry.receipt_number] = ReportedRef(
            receipt_number=item.entry.receipt_number,
            form_code=item.form_code,
            family_name_kana=s["family_name_kana"],
            given_name_kana=s["given_name_kana"],
            birth_date=date.fromisoformat(s["birth_date"]),
            target=targets.get(item.entry_id),
            returned=item.jps_returned_on is not None,
        )
    return found


def _month(ym) -> date | None:
    return date(ym[0], ym[1], 1) if ym else None


def _span(start, end) -> tuple[date, date] | None:
    first, last = _month(start), _month(end)
    return (first, last) if first is not None and last is not None else None


def _as_decision(line: ResultLine) -> JpsDecision:
    return JpsDecision(
        process_kind=line.process_kind,
        result=line.result or "",
        exemption_class=line.exemption_class or "",
        approved=_span(line.approved_from, line.approved_to),
        rejected=_span(line.rejected_from, line.rejected_to),
        result_type_code=line.result_type_code or "",
        processed_on=line.processed_on,
        note=line.note,
        pension_code=line.pension_code or "",
        certificate_number=line.certificate_number or "",
        support_kind=line.support_kind or "",
        support_start=_month(line.support_from),
        support_end=_month(line.support_to),
    )


def decision_conflicts(line: ResultLine, reported: ReportedRef) -> tuple[str, ...]:
    """Reasons a line cannot be applied to the record as it is now (a conflict, not applied)."""
    if reported.returned:
        return ("この受付は既に日本年金機構から返戻されています。",)
    if line.process_kind == "01":
        return ()
    target = reported.target
    if not isinstance(target, Target):
        if line.process_kind == "04":
            return ()
        return ("処理結果を反映する記録がありません。",)
    try:
        target.decide(line)
    except DecisionRefused as exc:
        return (str(exc),)
    return ()


def open_file(upload: ResultsUpload) -> F2Input:
    return F2Input(bytes(upload.content), filename=upload.filename, encoding=upload.encoding)


def reconciled(upload: ResultsUpload):
    f2 = open_file(upload)
    return f2, reconcile(f2.lines(), lookup, check=decision_conflicts)


def _period(label: str, start, end) -> str:
    if not start or not end:
        return ""
    return f"{label} {format_month(*start)}〜{format_month(*end)}"


def planned_change(r: Reconciled, person: Person | None) -> str:
    """What approving the apply changes for this line, in the words of the record."""
    line = r.line
    if r.outcome != Outcome.MATCHED:
        return "反映しません"
    if line.process_kind == "01":
        number = normalise_basic_pension_number(line.basic_pension_number or "")
        if person is not None and person.basic_pension_number == number:
            return f"基礎年金番号 {number}（登録済み・変更なし）"
        current = person.basic_pension_number if person is not None else ""
        return f"基礎年金番号: {current or '（未登録）'} → {number}"
    parts = []
    target = r.reported.target if r.reported is not None else None
    if isinstance(target, Target):
        record_name = str(target.record._meta.verbose_name)
        result = RESULTS.get(line.result or "", "")
        parts.append(f"{record_name}: 審査中 → {result}" if result else record_name)
    if line.exemption_class:
        parts.append(EXEMPTION_CLASSES.get(line.exemption_class, line.exemption_class))
    parts += [
        _period("承認期間", line.approved_from, line.approved_to),
        _period("却下期間", line.rejected_from, line.rejected_to),
    ]
    if line.process_kind == "04" or line.result == "5":
        parts.append("届書を返戻として記録")
    return "・".join(p for p in parts if p)


@dataclass(frozen=True)
class PlannedLine:
    """A reconciliation row as the clerk and the checker read it: codes as labels, the person
    the line lands on and what approving changes."""

    r: Reconciled
    process_label: str
    result_label: str
    person: Person | None
    change: str


def planned_lines(rows) -> list[PlannedLine]:
    """The shown rows with their labels and planned changes (one query for the persons)."""
    rows = list(rows)
    persons = {
        e.receipt_number: e.person
        for e in Entry.objects.filter(
            receipt_number__in=[r.line.receipt_number for r in rows]
        ).select_related("person")
    }
    out = []
    for r in rows:
        person = persons.get(r.line.receipt_number) if r.reported is not None else None
        out.append(
            PlannedLine(
                r=r,
                process_label=PROCESS_KINDS.get(r.line.process_kind, ""),
                result_label=RESULTS.get(r.line.result or "", ""),
                person=person,
                change=planned_change(r, person),
            )
        )
    return out


def first_receipt_number(upload: ResultsUpload) -> str:
    """The 受付番号 of the file's first data line: the checker re-keys it from the printed
    reconciliation."""
    for line in open_file(upload).lines():
        return line.receipt_number
    return ""


def outcome_digest(results) -> tuple[str, dict]:
    """A digest of every line's outcome, and the counts: what the clerk saw when requesting."""
    digest = hashlib.sha256()
    counts = dict.fromkeys(Outcome, 0)
    for r in results:
        digest.update(f"{r.line.line}:{r.outcome}\n".encode())
        counts[r.outcome] += 1
    return digest.hexdigest(), counts


def receipt_numbers(upload: ResultsUpload) -> set[str]:
    return {line.receipt_number for line in open_file(upload).lines()}


@transaction.atomic
def results_upload(
    *, data: bytes, filename: str, encoding: str, actor
) -> tuple[ResultsUpload | None, F2Input]:
    """Validate the whole file; on any error keep nothing and return the errors. A file whose
    content was already applied, or is already waiting to be applied, is refused."""
    f2 = F2Input(data, filename=filename, encoding=encoding)
    if f2.ok and ResultsUpload.objects.filter(sha256=f2.sha256, applied_at__isnull=True).exists():
        raise ResultsRefused("同じ内容のファイルが既に取り込まれ、反映を待っています。")
    summary = summarize(reconcile(f2.lines(), lookup, check=decision_conflicts)) if f2.ok else None
    if not f2.ok or summary is None:
        record(
            Action.IMPORT,
            details={"種類": KIND, "結果": "refused", "エラー件数": f2.error_count},
            actor=actor,
        )
        return None, f2
    upload = ResultsUpload.objects.create(
        filename=f2.csv.filename,
        encoding=f2.csv.encoding,
        sha256=f2.sha256,
        content=data,
        line_count=f2.line_count,
        matched=summary.counts[Outcome.MATCHED],
        unmatched=summary.counts[Outcome.UNMATCHED],
        conflicts=summary.counts[Outcome.CONFLICT],
        uploaded_by=actor,
    )
    record(
        Action.IMPORT,
        target=upload,
        details={
            "種類": KIND,
            "結果": "validated",
            "行数": upload.line_count,
            "一致": upload.matched,
            "該当なし": upload.unmatched,
            "不一致": upload.conflicts,
        },
        actor=actor,
    )
    return upload, f2


@transaction.atomic
def results_request_apply(*, upload: ResultsUpload, actor):
    """The clerk asks for the file to be applied: an entry waiting for a 確認担当. The
    reconciliation as it is now is what the 確認担当 approves (its digest is kept). Several
    requests may wait at once unless two files answer the same 受付番号."""
    # Requests are made one at a time, so two overlapping files cannot both slip in.
    list(
        ResultsUpload.objects.select_for_update(of=("self",)).filter(
            entry__status__in=OPEN_STATUSES
        )
    )
    digest, counts = outcome_digest(reconciled(upload)[1])
    ResultsUpload.objects.filter(pk=upload.pk).update(
        outcome_digest=digest,
        matched=counts[Outcome.MATCHED],
        unmatched=counts[Outcome.UNMATCHED],
        conflicts=counts[Outcome.CONFLICT],
    )
    entry = entry_submit(
        kind=RESULTS_KIND,
        person=None,
        payload={
            "upload_id": str(upload.pk),
            "line_count": str(upload.line_count),
            "first_receipt_number": first_receipt_number(upload),
        },
        actor=actor,
    )
    ResultsUpload.objects.filter(pk=upload.pk).update(entry=entry)
    return entry


# --- applying -------------------------------------------------------------------------------
#: What applying a line did, as the audit event of the apply counts it (audit/schema.py).
OUTCOME_LABELS = {
    "pension_number": "基礎年金番号付番",
    "unchanged": "変更なし",
    "exemption": "免除",
    "additional": "付加",
    "returned": "返戻",
    "returned_notice": "返戻",
    "revoked": "取消",
    "confirmed": "確認",
    "claim": "裁定",
}


def _assign_pension_number(line: ResultLine, actor) -> str:
    entry = Entry.objects.get(receipt_number=line.receipt_number)
    person = Person.objects.select_for_update().get(pk=entry.person_id)
    number = normalise_basic_pension_number(line.basic_pension_number or "")
    if person.basic_pension_number and person.basic_pension_number != number:
        raise StaleEntry(
            f"{line.line}行目: この方には別の基礎年金番号が登録されています。"
            "反映できません（記録を確認してください）。"
        )
    if person.basic_pension_number == number:
        return "unchanged"
    diffs.logged_update(Person.objects.filter(pk=person.pk), basic_pension_number=number)
    record(
        Action.UPDATE,
        person=person,
        details={"基礎年金番号": "日本年金機構の処理結果により付番", "行": line.line},
        actor=actor,
    )
    return "pension_number"


def _mark_returned(line: ResultLine, actor) -> None:
    """The 届書 came back from JPS: the report item (and so the entry) shows it."""
    item = (
        BatchItem.objects.select_for_update()
        .select_related("entry")
        .get(entry__receipt_number=line.receipt_number)
    )
    if item.jps_returned_on is not None:
        raise StaleEntry(f"{line.line}行目: この受付は既に返戻として記録されています。")
    item.jps_returned_on = line.processed_on
    item.jps_return_note = line.note[:200]
    item.save(update_fields=["jps_returned_on", "jps_return_note"])
    record(
        Action.UPDATE,
        person=item.entry.person,
        target=item.entry,
        details={"日本年金機構": "返戻", "届書種類": item.form_code, "行": line.line},
        actor=actor,
    )


def _mark_answered(line: ResultLine, upload: ResultsUpload) -> None:
    """JPS's answer to this 届書 has come and is applied: it leaves the 結果未着 list
    (selectors.unanswered_items). The first applied line counts."""
    BatchItem.objects.filter(
        entry__receipt_number=line.receipt_number, jps_result_upload__isnull=True
    ).update(jps_result_upload=upload, jps_result_on=line.processed_on)


def _apply_line(r: Reconciled, actor, upload: ResultsUpload) -> str:
    """Apply one matched line; returns what was done (for the counts)."""
    line = r.line
    _mark_answered(line, upload)
    if line.process_kind == "01":
        return _assign_pension_number(line, actor)
    returned = line.process_kind == "04" or line.result == "5"
    target = r.reported.target if r.reported is not None else None
    what = "returned"
    if isinstance(target, Target):
        try:
            what = target.decide(line, actor=actor)
        except DecisionRefused as exc:
            raise StaleEntry(f"{line.line}行目: {exc}") from None
        if what == "decided":
            what = "additional" if line.process_kind == "03" else "exemption"
    elif not returned:
        raise StaleEntry(f"{line.line}行目: 処理結果を反映する記録がありません。")
    if returned:
        _mark_returned(line, actor)
    return what


@transaction.atomic
def results_apply(*, upload_id: int, actor) -> ResultsUpload:
    """Apply every matched line in one transaction (the approval's); unmatched and conflicting
    lines are not applied. If the reconciliation is no longer what was requested (a record
    changed meanwhile), or any line is refused, nothing is applied. The file is marked
    imported."""
    upload = ResultsUpload.objects.select_for_update().get(pk=upload_id)
    if upload.applied_at is not None:
        raise StaleEntry("この処理結果ファイルは既に反映されています。")
    f2, results = reconciled(upload)
    if not f2.ok:  # e.g. imported meanwhile under another upload
        raise StaleEntry("この処理結果ファイルは反映できません: " + f2.errors[0].message)
    done: dict[str, int] = {}
    digest = hashlib.sha256()
    for r in results:
        digest.update(f"{r.line.line}:{r.outcome}\n".encode())
        if r.outcome != Outcome.MATCHED:
            continue
        what = _apply_line(r, actor, upload)
        done[what] = done.get(what, 0) + 1
    if not f2.ok:
        raise StaleEntry("この処理結果ファイルは反映できません: " + f2.errors[0].message)
    if upload.outcome_digest and digest.hexdigest() != upload.outcome_digest:
        raise StaleEntry(
            "依頼の後に記録が変わり、突合の結果が依頼した時と違います。"
            "差し戻して、入力者が突合結果を確認し直してください。"
        )
    counts: dict[str, int] = {}
    for what, n in done.items():
        counts[OUTCOME_LABELS[what]] = counts.get(OUTCOME_LABELS[what], 0) + n
    f2.mark_imported(actor)
    upload.applied_at = timezone.now()
    upload.save(update_fields=["applied_at"])
    record(
        Action.IMPORT,
        target=upload,
        details={"種類": KIND, "結果": "applied", **counts},
        actor=actor,
    )
    return upload
