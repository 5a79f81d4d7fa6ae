"""manage.py load_register DIR [--dry-run] --user USERNAME: the initial load (初期移行)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kokumin_nenkin.imports import ENCODINGS
from qualifications.initial_load import PERSONS_FILE, load_register, registered_parts

from .import_residents import import_actor


class Command(BaseCommand):
    help = (
        "前システムの記録（宛名・資格履歴・免除等履歴・付加履歴）を初期移行します。"
        "1つのトランザクションで取り込み、誤りが1つでもあれば何も取り込まず、"
        "0以外の終了コードで終わります。突合報告を出力します。"
    )

    def add_arguments(self, parser):
        files = "、".join([PERSONS_FILE, *(p.filename for p in registered_parts())])
        parser.add_argument("folder", help=f"初期移行ファイルのフォルダ（{files}）")
        parser.add_argument("--dry-run", action="store_true", help="検査だけ行い、取り込まない")
        parser.add_argument("--user", help="取り込む職員のユーザーID（進達担当）")
        parser.add_argument("--encoding", default="auto", choices=list(ENCODINGS))

    def handle(self, *args, folder, dry_run, user, encoding, **options):
        actor = import_actor(user, dry_run=dry_run)
        path = Path(folder)
        if not path.is_dir():
            raise CommandError(f"フォルダ「{path.name}」がありません。")
        result = load_register(path, actor=actor, encoding=encoding, dry_run=dry_run)
        report = result.report()
        if not result.ok:
            self.stderr.write(report)
            raise CommandError(f"誤りが {result.error_count:,}件あります。何も取り込んでいません。")
        self.stdout.write(report)
