from django.conf import settings
from django.core.management.base import BaseCommand

from kokumin_nenkin.demo.generator import DEMO_PASSWORD, DEMO_STAFF


class Command(BaseCommand):
    help = "デモ用ログインの一覧を表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="表示するホスト（HOST）")
        parser.add_argument("--port", default="8000", help="表示するポート（PORT）")

    def handle(self, *args, host: str = "127.0.0.1", port: str = "8000", **options):
        if not settings.DEMO_MODE:
            self.stdout.write("デモモードではありません。")
            return
        self.stdout.write("")
        self.stdout.write(f"国民年金事務システム — http://{host}:{port}/")
        self.stdout.write(f"デモ用パスワード（共通）: {DEMO_PASSWORD}")
        self.stdout.write("確認コード: python manage.py demo_totp <ユーザーID>")
        for username, full_name, role, _office in DEMO_STAFF:
            self.stdout.write(f"  {username:<10} {role.label}（{full_name}）")
        self.stdout.write("")
