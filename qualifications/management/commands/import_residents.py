"""manage.py import_residents PATH [--dry-run] --user USERNAME: an F3 file from 市民課."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kokumin_nenkin.accounts.roles import perm
from kokumin_nenkin.imports import ENCODINGS
from qualifications.residents import residents_import


def import_actor(username: str | None, *, dry_run: bool, codename: str = "import_residents"):
    """The staff member the import is recorded under (needed unless it is a dry run)."""
    if not username:
        if dry_run:
            return None
        raise CommandError("取り込む職員のユーザーIDを --user で指定してください。")
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None or not user.has_perm(perm(codename)):
        raise CommandError(f"ユーザーID「{username}」には取込の権限がありません。")
    return user


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"ファイルを読めません: {exc.strerror}") from None


class Command(BaseCommand):
    help = (
        "市民課の住民異動ファイル（F3）を取り込みます。誤りが1つでもあれば何も取り込まず、"
        "0以外の終了コードで終わります。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="F3 形式の CSV ファイル")
        parser.add_argument("--dry-run", action="store_true", help="検査だけ行い、取り込まない")
        parser.add_argument("--user", help="取り込む職員のユーザーID（進達担当）")
        parser.add_argument("--encoding", default="auto", choices=list(ENCODINGS))

    def handle(self, *args, path, dry_run, user, encoding, **options):
        actor = import_actor(user, dry_run=dry_run)
        data = read_file(path)
        result = residents_import(
            data=data, filename=Path(path).name, actor=actor, encoding=encoding, dry_run=dry_run
        )
        for code, label, count in result.counts():
            self.stdout.write(f"{code} {label}: {count:,}件")
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"誤りが {result.error_count:,}件あります。何も取り込んでいません。")
        if dry_run:
            self.stdout.write(
                f"検査のみ: 誤りはありません（{result.lines:,}行、取り込んでいません）。"
            )
        else:
            self.stdout.write(
                f"取り込みました: {result.lines:,}行（新規 {result.created:,}件・"
                f"更新 {result.updated:,}件）。"
            )
            if result.changes_to_report:
                self.stdout.write(
                    f"「氏名・住所変更の届出」一覧に {result.changes_to_report:,}件を載せました。"
                )
