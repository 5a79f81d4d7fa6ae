"""F5 to 市民課: the verified qualification changes for the resident record
(住民基本台帳法第7条第11号), written by a 進達担当 as one file, stored with its SHA-256.

- Each approval of 取得 / 喪失 / 種別変更 queues one `CityNotice` (in the approval's transaction).
- `city_file_write` puts every queued notice into one new file (UTF-8 with BOM, FORMATS.md F5,
  dates `YYYY-MM-DD`, no 個人番号); a notice already in a file is never written again, and a
  stored file is served as stored (reprint), never rebuilt (`city_file_served` audits it).
- The file is downloaded only from a designated terminal (`kokumin_nenkin.terminals`,
  `EXPORT_ALLOWED_NETWORKS`), as the F1 file to JPS.
"""

import hashlib

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import digest_for_details, record, record_many
from kokumin_nenkin.csv_safety import to_csv_text
from kokumin_nenkin.identifiers import find_my_number_like

from .models import CityNotice, CityNoticeFile

F5_HEADER = [
    "宛名番号",
    "変更区分",
    "被保険者種別",
    "資格取得年月日",
    "資格喪失年月日",
    "基礎年金番号",
    "変更年月日",
]


class NothingToWrite(ValueError):
    pass


def _d(value) -> str:
    return value.isoformat() if value else ""


def f5_line(notice: CityNotice) -> list[str]:
    row = notice.record
    return [
        notice.person.addressee_number,
        notice.change_kind,
        row.category,
        _d(row.acquired_on),
        _d(row.lost_on),
        notice.person.basic_pension_number,
        _d(row.effective_on),
    ]


@transaction.atomic
def city_file_write(*, actor) -> CityNoticeFile:
    notices = list(
        CityNotice.objects.select_for_update(of=("self",))
        .filter(file__isnull=True)
        .select_related("record", "person")
        .order_by("id")
    )
    if not notices:
        raise NothingToWrite("市民課へ通知する資格の異動はありません。")
    lines = [f5_line(n) for n in notices]
    text = to_csv_text(lines, header=F5_HEADER)
    allowed = {n.person.addressee_number for n in notices}
    if find_my_number_like(text, allow=allowed):
        raise ValueError("F5 に12桁の番号が含まれています（個人番号の混入防止）。")
    content = text.encode("utf-8")
    now = timezone.localtime()
    output = CityNoticeFile.objects.create(
        filename=f"f5-{now:%Y%m%d-%H%M%S}.csv",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        line_count=len(lines),
        created_by=actor,
    )
    CityNotice.objects.filter(pk__in=[n.pk for n in notices]).update(file=output)
    record_many(
        Action.EXPORT,
        persons=list({n.person_id: n.person for n in notices}.values()),  # one per person
        target=output,
        details={
            "出力": "市民課への資格異動（F5）",
            "件数": len(lines),
            "SHA-256": digest_for_details(output.sha256),
        },
        actor=actor,
    )
    return output


def city_file_served(*, output: CityNoticeFile, actor) -> None:
    """Audit a stored F5 file handed out again: one event per person it names."""
    persons = list(
        {
            n.person_id: n.person
            for n in CityNotice.objects.filter(file=output).select_related("person")
        }.values()
    )
    details = {
        "結果": "served",
        "出力": "市民課への資格異動（F5）",
        "件数": output.line_count,
        "SHA-256": digest_for_details(output.sha256),
    }
    if persons:
        record_many(Action.EXPORT, persons=persons, target=output, details=details, actor=actor)
    else:
        record(Action.EXPORT, target=output, details=details, actor=actor)


def queued_count() -> int:
    return CityNotice.objects.filter(file__isnull=True).count()
