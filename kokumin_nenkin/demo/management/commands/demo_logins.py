from django.conf import settings
from django.core.management.base import BaseCommand

from kokumin_nenkin.demo.generator import DEMO_PASSWORD, DEMO_STAFF


class Command(BaseCommand):
    help = "デモ用ログインの一覧を表示します。"

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            self.stdout.write("デモモードではありません。")
            return
        self.stdout.write("")
        self.stdout.write("国民年金事務システム — http://127.0.0.1:8000/")
        self.stdout.write(f"デモ用パスワード（共通）: {DEMO_PASSWORD}")
        self.stdout.write("確認コード: python manage.py demo_totp <ユーザーID>")
        for username, full_name, role, _office in DEMO_STAFF:
            self.stdout.write(f"  {username:<10} {role.label}（{full_name}）")
        self.stdout.write("")
