import os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokumin_nenkin.settings.test")
os.environ["BENCH_PURGE_PERSONS"] = "20000"
import django; django.setup()
from django.test.utils import setup_databases, teardown_databases
old = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
import benchmarks.bench_resident_requests as b
for line in b._purge(): print(line)
teardown_databases(old, verbosity=0)
