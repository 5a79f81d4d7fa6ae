"""restore_drill: prove that a backup can be restored and is whole (docs/operations.md).

    python manage.py restore_drill                      # dump this database now, restore, check
    python manage.py restore_drill --dump nightly.dump  # restore a kept dump (pg_dump -Fc), check

Restores into a fresh database (`--target`, default `<database>_restore_drill`; refused when it
exists unless `--replace`), runs `verify_audit_chain` there (in its own process, against the
restored database) and compares the row count of every table with the live database:

- without `--dump`, the dump is taken from a snapshot exported by the transaction that counts
  the rows (`pg_dump --snapshot`), so the counts must match exactly: any difference fails;
- with `--dump`, the live database has moved on since the dump: differences are listed, and
  only a restored table with MORE rows than the live one (impossible for append-only data, a
  sign the dump is from another system) or a missing table fails.

Exit 0 when the drill passed, 1 (with the reason) otherwise. The target database is dropped at
the end unless `--keep`. Needs pg_dump / pg_restore of the server's major version on PATH and a
role allowed to create databases. PostgreSQL only.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction


def _libpq_env(settings_dict: dict) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": str(settings_dict.get("HOST") or "127.0.0.1"),
            "PGPORT": str(settings_dict.get("PORT") or 5432),
            "PGUSER": str(settings_dict.get("USER") or ""),
        }
    )
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise CommandError(f"{args[0]} が失敗しました: {done.stderr.strip()[-800:]}", returncode=1)


def _table_counts(conn) -> dict[str, int]:
    with conn.cursor() as cursor:
        tables = sorted(conn.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {conn.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


class Command(BaseCommand):
    help = "バックアップを新しいデータベースに復元し、監査ログのチェーンと件数を確認します。"

    def add_arguments(self, parser):
        parser.add_argument("--dump", metavar="FILE", help="復元するダンプ（pg_dump -Fc）")
        parser.add_argument("--target", help="復元先のデータベース名（新規）")
        parser.add_argument("--replace", action="store_true", help="復元先があれば作り直す")
        parser.add_argument("--keep", action="store_true", help="終了後も復元先を残す")
        parser.add_argument("--jobs", type=int, default=2, help="pg_restore の並列数")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("復元訓練は PostgreSQL でのみ実行できます。", returncode=1)
        source = connection.settings_dict
        target = options["target"] or f"{source['NAME']}_restore_drill"
        if target == source["NAME"]:
            raise CommandError("復元先に運用中のデータベースは指定できません。", returncode=1)
        env = _libpq_env(source)
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="restore-drill-") as tmp:
            if options["dump"]:
                dump = Path(options["dump"])
                if not dump.is_file():
                    raise CommandError(f"ダンプがありません: {dump}", returncode=1)
                live = self._live_counts()
                exact = False
            else:
                dump = Path(tmp) / "now.dump"
                live = self._dump_now(dump, env)
                exact = True
            self.stdout.write(f"ダンプ: {dump.name}（{dump.stat().st_size:,} バイト）")
            self._create(target, env, replace=options["replace"])
            try:
                _run(
                    [
                        *("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"),
                        *("--jobs", str(max(1, options["jobs"])), "--dbname", target, str(dump)),
                    ],
                    env,
                )
                self.stdout.write(f"復元しました: {target}（{time.monotonic() - started:.1f} 秒）")
                chain_output = self._verify_chain(target, env)
                restored = self._restored_counts(target)
            finally:
                if not options["keep"]:
                    _run(["dropdb", "--if-exists", target], env)
        self.stdout.write(chain_output)
        failures = self._compare(live, restored, exact=exact)
        if failures:
            raise CommandError("復元訓練は不合格です: " + "; ".join(failures[:10]), returncode=1)
        self.stdout.write(
            f"復元訓練は合格です: {len(restored)} 表の件数が一致"
            + ("" if exact else "（ダンプ後の増加を除く）")
            + f"、監査ログのチェーンは正常（{time.monotonic() - started:.1f} 秒）。"
        )

    def _live_counts(self) -> dict[str, int]:
        return _table_counts(connection)

    def _dump_now(self, dump: Path, env: dict[str, str]) -> dict[str, int]:
        """Count every table and dump from the same snapshot, so the two must agree."""
        if connection.in_atomic_block:
            raise CommandError("トランザクションの外で実行してください。", returncode=1)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            counts = _table_counts(connection)
            _run(
                [
                    *("pg_dump", "--format=custom", "--no-owner", "--snapshot", snapshot),
                    *("--file", str(dump), str(connection.settings_dict["NAME"])),
                ],
                env,
            )
        return counts

    def _create(self, target: str, env: dict[str, str], *, replace: bool) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target])
            exists = cursor.fetchone() is not None
        if exists and not replace:
            raise CommandError(
                f"復元先 {target} は既にあります（作り直すには --replace）。", returncode=1
            )
        if exists:
            _run(["dropdb", "--if-exists", target], env)
        _run(["createdb", "--template", "template0", "--encoding", "UTF8", target], env)

    def _verify_chain(self, target: str, env: dict[str, str]) -> str:
        db = connection.settings_dict
        url = f"postgres://{db.get('USER') or ''}@{env['PGHOST']}:{env['PGPORT']}/{target}"
        manage = Path(__file__).resolve().parents[3] / "manage.py"
        done = subprocess.run(  # noqa: S603 - our own command line
            [sys.executable, str(manage), "verify_audit_chain"],
            env={**env, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise CommandError(
                "復元したデータベースで監査ログのチェーンを検証できません: "
                + (done.stderr.strip() or done.stdout.strip())[-800:],
                returncode=1,
            )
        return "復元先で " + done.stdout.strip()

    def _restored_counts(self, target: str) -> dict[str, int]:
        """Counted over a connection of its own (not a Django alias: nothing else may use it)."""
        import psycopg
        from psycopg import sql

        db = connection.settings_dict
        with psycopg.connect(
            host=db.get("HOST") or "127.0.0.1",
            port=db.get("PORT") or 5432,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            dbname=target,
        ) as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            ]
            counts = {}
            for table in tables:
                row = conn.execute(
                    sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
                ).fetchone()
                counts[table] = row[0] if row else 0
            return counts

    def _compare(self, live: dict[str, int], restored: dict[str, int], *, exact: bool) -> list:
        failures = []
        width = max((len(t) for t in live), default=10)
        self.stdout.write(f"{'表':<{width}}  {'運用中':>10}  {'復元':>10}")
        for table in sorted(live):
            before, after = live[table], restored.get(table)
            mark = ""
            if after is None:
                failures.append(f"{table} が復元されていません")
                mark = "  ← なし"
            elif after != before and (exact or after > before):
                failures.append(f"{table}: 運用中 {before} 件、復元 {after} 件")
                mark = "  ← 不一致"
            elif after != before:
                mark = "  （ダンプ後に増減）"
            self.stdout.write(f"{table:<{width}}  {before:>10,}  {after or 0:>10,}{mark}")
        return failures
