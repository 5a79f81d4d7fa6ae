"""Benchmarks: `make bench`. Each `bench_*.py` has `run() -> list[str]` printing its figures.

They run against a throw-away database created like the test database (SQLite in memory,
or `test_<name>` on the PostgreSQL server named by DATABASE_URL) and dropped afterwards.
Each compares against a baseline measured in the same run, since the machines are noisy.
"""
