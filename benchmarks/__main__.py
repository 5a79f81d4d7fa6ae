import importlib
import os
import pkgutil
import platform
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokumin_nenkin.settings.test")


def main(selected: list[str]) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    import benchmarks

    names = sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    print(f"# kokumin_nenkin benchmarks — {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"# {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    # BENCH_KEEPDB=1: keep (and reuse) the test_… database, e.g. one made from a seeded database
    # with `CREATE DATABASE test_x TEMPLATE x`, so a 100,000-person run need not seed again.
    keep = os.environ.get("BENCH_KEEPDB", "") in ("1", "true")
    old = setup_databases(verbosity=0, interactive=False, keepdb=keep, serialized_aliases=set())
    print(f"# database: {connection.vendor} {connection.settings_dict['NAME']}")
    try:
        for name in names:
            module = importlib.import_module(f"benchmarks.{name}")
            print(f"\n## {name[len('bench_') :]}")
            for line in module.run():
                print(line, flush=True)
    finally:
        teardown_databases(old, verbosity=0, keepdb=keep)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
