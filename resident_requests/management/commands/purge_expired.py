"""manage.py purge_expired [--dry-run] [--as-of YYYY-MM-DD]: delete the files of the persons past
their retention period (docs/retention.md). The dry run lists what would go and changes nothing.

Run by the operator on the server (the screen /requests/retention/ is the two-person way: a
確認担当 proposes, a second one approves). Written to the audit log as the command's run."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from resident_requests.purge import (
    expire_search_words,
    expired_search_words,
    plan,
    purge_persons,
)
from resident_requests.retention import due_persons


class Command(BaseCommand):
    help = "保存期間を満了した被保険者の記録を消去します（--dry-run は一覧のみ）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="消去せず、対象の件数だけを表示")
        parser.add_argument("--as-of", help="基準日（YYYY-MM-DD、既定は今日）")

    def handle(self, *args, **options):
        as_of = date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
        due = due_persons(as_of)
        ids = [d.person_id for d in due]
        if options["dry_run"]:
            result = plan(ids, as_of)
            expired = len(expired_search_words(as_of))
            verb = "消去の対象"
        else:
            result = purge_persons(ids, as_of=as_of, actor=None)
            expired = expire_search_words(as_of)
            verb = "消去しました"
        self.stdout.write(f"基準日 {as_of.isoformat()}: {verb} {len(result.person_ids)} 人")
        for label, count in result.counts().items():
            self.stdout.write(f"  {label}: {count} 件")
        self.stdout.write(f"  差分記録（消去記録を残して削除）: {len(result.log_entries)} 件")
        self.stdout.write(f"  検索語（同上、対象者を検索したもの）: {len(result.search_words)} 件")
        self.stdout.write(f"保存期間を満了した検索語（消去記録を残して削除）: {expired} 件")
        for pid in result.person_ids:  # by id only, as the purge event names them
            records = sum(result.per_person.get(pid, {}).values())
            words = len(result.search_words_of.get(pid, []))
            self.stdout.write(f"  被保険者ID {pid}: 記録 {records} 件、検索語 {words} 件")
        if result.held_back:
            self.stdout.write(f"保留 {len(result.held_back)} 人（複数人を含む出力が満了前）")
