from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from kokumin_nenkin.accounts.totp import current_code


class Command(BaseCommand):
    help = "デモ用アカウントの現在の確認コード（TOTP）を表示します（デモモードのみ）。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEMO_MODE:
            raise CommandError("デモモードではないため表示できません（DEMO_MODE が無効です）。")
        device = (
            TOTPDevice.objects.filter(user__username=username, confirmed=True)
            .order_by("id")
            .first()
        )
        if device is None:
            raise CommandError(f"ユーザー「{username}」には確認コードの端末が登録されていません。")
        self.stdout.write(current_code(device))
