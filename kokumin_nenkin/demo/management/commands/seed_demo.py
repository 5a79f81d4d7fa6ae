import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kokumin_nenkin.accounts.models import Staff
from kokumin_nenkin.demo.generator import DEMO_STAFF, create_demo_staff
from kokumin_nenkin.demo.parts import DemoRun, has_demo_data, run_parts

DEMO_USERNAMES = [username for username, *_ in DEMO_STAFF]


class Command(BaseCommand):
    help = "デモ用の職員と架空の住民データを作成します（デモモードのみ）。"

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=2000, help="作成する人数（既定 2000）")
        parser.add_argument("--seed", type=int, default=1, help="乱数の種（同じ種なら同じデータ）")
        parser.add_argument(
            "--if-empty", action="store_true", help="住民データが既にあれば何もしない"
        )

    def handle(self, *args, persons, seed, if_empty, **options):
        if not settings.DEMO_MODE:
            raise CommandError("デモモードではないため実行できません（DEMO_MODE が無効です）。")
        if persons < 0:
            raise CommandError("--persons は 0 以上で指定してください。")
        started = time.perf_counter()
        create_demo_staff()
        if if_empty and has_demo_data():
            self.stdout.write("住民データは既にあります。職員のデモアカウントのみ更新しました。")
            return
        staff = {s.username: s for s in Staff.objects.filter(username__in=DEMO_USERNAMES)}
        # Each app's part, in order (kokumin_nenkin.demo.parts, registered in ready()).
        run = run_parts(
            DemoRun(today=timezone.localdate(), seed=seed, persons=persons, staff=staff)
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"デモデータを作成しました: 住民 {run.persons_created:,} 人、"
            f"確認待ちなどの受付 {run.pending} 件（{elapsed:.1f} 秒）"
        )
