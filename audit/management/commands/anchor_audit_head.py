"""anchor_audit_head: append the audit chain's head to the anchor file outside the database.

    python manage.py anchor_audit_head                 # to AUDIT_ANCHOR_FILE
    python manage.py anchor_audit_head --file PATH     # elsewhere (e.g. a second copy)
    python manage.py anchor_audit_head --verify        # walk the chain first; append only if sound

Run it on a schedule (cron, or a systemd timer: see docs/audit.md). One JSON line per head,
flushed and fsync-ed; `verify_audit_chain --anchors FILE` checks every line later.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit import anchors, chain


class Command(BaseCommand):
    help = "監査ログのチェーンの先頭（位置とハッシュ）をデータベースの外のファイルに追記します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", metavar="FILE", help="追記するファイル（既定: AUDIT_ANCHOR_FILE）"
        )
        parser.add_argument("--reason", default=anchors.SCHEDULED, help="追記の理由（既定: 定時）")
        parser.add_argument(
            "--verify", action="store_true", help="追記の前にチェーン全体を検証する"
        )

    def handle(self, *args, **options):
        path = options.get("file") or anchors.anchor_file()
        if not path:
            raise CommandError(
                "保管ファイルが設定されていません（AUDIT_ANCHOR_FILE または --file）。"
            )
        if options["verify"]:
            kept = anchors.read_anchors(path) if Path(path).exists() else {}
            result = chain.verify(anchors=kept)
            if not result.ok:
                raise CommandError(
                    f"監査ログのチェーンが壊れているため追記しません: 位置 {result.bad_position}"
                    f" ({result.reason})。",
                    returncode=1,
                )
        try:
            head = anchors.append_head(options["reason"], path)
        except OSError as exc:
            raise CommandError(f"保管ファイルに追記できません: {exc.strerror}") from None
        if head is None:
            self.stdout.write("監査ログはまだ空です。追記していません。")
            return
        self.stdout.write(f"位置 {head.position} ハッシュ {head.hash} を追記しました。")
