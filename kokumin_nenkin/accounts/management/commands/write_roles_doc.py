"""Write docs/roles.md from ROLE_PERMISSIONS (or, with --check, fail if it is out of date)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kokumin_nenkin.accounts.roles import ROLES_DOC_PATH, render_roles_doc


class Command(BaseCommand):
    help = "docs/roles.md を権限表（ROLE_PERMISSIONS）から生成します。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="差分があればエラーにする")

    def handle(self, *args, check: bool = False, **options):
        path = settings.BASE_DIR / ROLES_DOC_PATH
        text = render_roles_doc()
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if check:
            if current != text:
                raise CommandError(f"{ROLES_DOC_PATH} は最新ではありません: write_roles_doc を実行")
            self.stdout.write(f"{ROLES_DOC_PATH} は最新です。")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"{ROLES_DOC_PATH} を書き出しました。")
