"""manage.py write_city_changes --user USERNAME OUT: the day's F5 file for 市民課."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qualifications.city_output import NothingToWrite, city_file_write

from .import_residents import import_actor


class Command(BaseCommand):
    help = "承認済みの資格異動を市民課への F5 ファイルに書き出します（同じ異動は二度書きません）。"

    def add_arguments(self, parser):
        parser.add_argument("out", help="書き出すファイル")
        parser.add_argument("--user", required=True, help="出力する職員のユーザーID（進達担当）")

    def handle(self, *args, out, user, **options):
        actor = import_actor(user, dry_run=False, codename="report_to_jps")
        try:
            output = city_file_write(actor=actor)
        except NothingToWrite as exc:
            raise CommandError(str(exc)) from None
        Path(out).write_bytes(output.content)
        self.stdout.write(f"F5 を書き出しました: {output.line_count:,}件（{output.filename}）")
