from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from exemptions.demo import seed_demo_incomes


class Command(BaseCommand):
    help = "デモ用の架空の所得情報（前年・前々年）を作成します（デモモードのみ）。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="乱数の種（同じ種なら同じデータ）")

    def handle(self, *args, seed, **options):
        if not settings.DEMO_MODE:
            raise CommandError("デモモードではないため実行できません（DEMO_MODE が無効です）。")
        this_year = timezone.localdate().year
        years = [this_year - 1, this_year - 2]
        created = seed_demo_incomes(years=years, seed=seed)
        self.stdout.write(f"所得情報を作成しました: {created:,} 件（{years[0]}年・{years[1]}年）")
