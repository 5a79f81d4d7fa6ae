"""verify_audit_chain: walk the audit hash chain; exit 0 when sound, 1 naming the first bad row.

    python manage.py verify_audit_chain                  # check, print the head hash
    python manage.py verify_audit_chain --anchor 1200:ab12…  # also match a head kept elsewhere

Keep the printed head (position and hash) outside the database — on paper or in another
system — and pass it back with --anchor: then a chain cut short or rewritten from some point on
is found too. Better, keep a head every N events in a file outside the database:

    python manage.py verify_audit_chain --write-anchors /media/usb/audit-heads.txt --every 100
    python manage.py verify_audit_chain --anchors /media/usb/audit-heads.txt

The same --anchors reads the append-only file that `anchor_audit_head` and every confirmed
batch write (AUDIT_ANCHOR_FILE, one JSON line per head; see audit/anchors.py): every recorded
head is checked.

A rewrite from some position on, re-hashed to the end, is then named at the first kept head
it changed (at most N events after where it starts), not at the last one. Each django-auditlog
diff row (LogEntry) named by the chain must still exist and match the digest recorded with it;
one edited, deleted or added beside the chain is named.
"""

from django.core.management.base import BaseCommand, CommandError

from audit import anchors as anchor_files
from audit import chain


def _anchor(text: str) -> tuple[int, str]:
    try:
        position, digest = text.split(":", 1)
        return int(position), digest.strip().lower()
    except ValueError:
        raise CommandError(f"--anchor は 位置:ハッシュ の形で指定してください: {text}") from None


class Command(BaseCommand):
    help = "監査ログのハッシュチェーンを検証し、先頭（最新）のハッシュを表示します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            type=_anchor,
            metavar="POSITION:HASH",
            help="以前に保管した位置とハッシュ（複数可）",
        )
        parser.add_argument(
            "--anchors",
            metavar="FILE",
            help="保管したハッシュのファイル（1行に JSON または 位置:ハッシュ）",
        )
        parser.add_argument(
            "--write-anchors",
            metavar="FILE",
            help="検証できたら、N件ごとの位置とハッシュをこのファイルに書き出す（データベースの外に保管）",
        )
        parser.add_argument("--every", type=int, default=100, help="書き出す間隔（件数）")

    def handle(self, *args, **options):
        anchors = dict(options["anchor"])
        if options.get("anchors"):
            try:
                anchors.update(anchor_files.read_anchors(options["anchors"]))
            except anchor_files.AnchorFileError as exc:
                raise CommandError(str(exc)) from None
            except OSError as exc:
                raise CommandError(f"保管ファイルを読めません: {exc.strerror}") from None
        result = chain.verify(anchors=anchors)
        if not result.ok:
            raise CommandError(
                f"監査ログのチェーンが壊れています: 位置 {result.bad_position} ({result.reason})。"
                f" 正常に検証できたのは位置 {result.head_position} まで"
                f" (ハッシュ {result.head_hash})。",
                returncode=1,
            )
        self.stdout.write(
            f"監査ログのチェーンは正常です: {result.checked} 件。"
            f" 先頭 位置 {result.head_position} ハッシュ {result.head_hash}"
        )
        self.stdout.write(
            f"差分記録（django-auditlog）: {result.log_entries_checked} 件を照合しました。"
        )
        self.stdout.write(f"検索語の記録: {result.search_words_checked} 件を照合しました。")
        if options.get("write_anchors"):
            every = max(1, int(options["every"]))
            heads = chain.kept_heads(every)
            with open(options["write_anchors"], "w", encoding="ascii") as out:
                out.writelines(f"{position}:{digest}\n" for position, digest in heads)
            self.stdout.write(
                f"{len(heads)} 件の位置とハッシュを書き出しました（{every} 件ごと）。"
            )
        if result.log_entries_purged:
            self.stdout.write(
                f"保存期間の満了で消去した差分記録 {result.log_entries_purged} 件は"
                "消去記録のハッシュと照合しました。"
            )
        if result.search_words_purged:
            self.stdout.write(
                f"消去した検索語 {result.search_words_purged} 件は"
                "消去記録のハッシュと照合しました。"
            )
        if result.log_entries_unbound:
            self.stdout.write(
                f"チェーンに結び付けられる前の差分記録 {result.log_entries_unbound} 件は"
                "照合していません。"
            )
