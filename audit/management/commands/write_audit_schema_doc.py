"""Write the details tables of docs/audit.md from audit/schema.py (--check: fail if stale)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.schema import as_markdown

DOC = "docs/audit.md"
START = "| action | 操作 | keys |"
END = "## Login and account events"


class Command(BaseCommand):
    help = "docs/audit.md の監査ログ詳細の表を audit/schema.py から書き出します。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="差分があればエラーにする")

    def handle(self, *args, check: bool = False, **options):
        path = settings.BASE_DIR / DOC
        current = path.read_text(encoding="utf-8")
        head, rest = current.split(START, 1)
        tail = rest[rest.index(END) :]
        text = f"{head}{as_markdown()}\n{tail}"
        if check:
            if text != current:
                raise CommandError(f"{DOC} は最新ではありません: write_audit_schema_doc を実行")
            self.stdout.write(f"{DOC} は最新です。")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"{DOC} を書き出しました。")
