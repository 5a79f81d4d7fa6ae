import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from exemptions.demo import seed_demo_exemption_entries, seed_demo_incomes
from kokumin_nenkin.accounts.models import Staff
from kokumin_nenkin.demo.generator import DEMO_STAFF, PersonGenerator, create_demo_staff
from kokumin_nenkin.demo.qualifications import pending_work, tidy_search_indexes
from qualifications.models import Person

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
        if if_empty and Person.objects.exists():
            self.stdout.write("住民データは既にあります。職員のデモアカウントのみ更新しました。")
            return
        today = timezone.localdate()
        created = PersonGenerator(seed=seed, today=today).generate(persons)
        staff = {s.username: s for s in Staff.objects.filter(username__in=DEMO_USERNAMES)}
        pending = pending_work(today, staff) if created else 0
        if created:  # incomes for the household panel, exemption 届書 in the queue
            seed_demo_incomes(years=[today.year - 1, today.year - 2], seed=seed)
            pending += seed_demo_exemption_entries(today, staff)
        tidy_search_indexes()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"デモデータを作成しました: 住民 {created:,} 人、確認待ちなどの受付 {pending} 件"
            f"（{elapsed:.1f} 秒）"
        )
