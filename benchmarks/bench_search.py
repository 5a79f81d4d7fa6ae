"""Person search and the person page with BENCH_PERSONS (default 100,000) synthetic persons.

For each kind of query: p50 / p95 of the whole search view (parse, count, page, audit write,
render), against the same searches with the search indexes dropped (the baseline, measured in
the same run inside a transaction that is rolled back). Then the person page: p95 and the
number of SQL queries; the old and new query shape of a broad kana prefix; search, home and
person page through HTTP, now and with the per-request settings of before (same run).
Targets (issue 16): search p95 ≤ 25 ms in the view, ≤ 35 ms over HTTP.
Audit rows written while measuring are rolled back, so the database is left as seeded.
"""

import os
import random
import statistics
import time
from contextlib import contextmanager

from django.core.management import call_command
from django.db import connection, transaction
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from audit import context
from kokumin_nenkin.accounts.models import Staff
from kokumin_nenkin.wareki import format_date, format_short
from qualifications import views
from qualifications.models import Person, QualificationRecord
from qualifications.selectors import COUNT_CAP

ROUNDS = 40
SEARCH_INDEXES = [
    "person_kana_order",
    "person_kana_prefix",
    "person_given_kana_prefix",
    "person_name_prefix",
    "person_given_name_prefix",
    "person_kana_trgm",
    "person_name_trgm",
    "person_address_trgm",
    "person_bpn",
    "person_birth",
]


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] * 1000


def _samples(rng: random.Random) -> dict[str, list[str]]:
    ids = list(Person.objects.values_list("id", flat=True))
    people = list(Person.objects.filter(id__in=rng.sample(ids, ROUNDS)))
    with_bpn = list(
        Person.objects.exclude(basic_pension_number="")
        .filter(id__in=rng.sample(ids, ROUNDS * 3))
        .values_list("basic_pension_number", flat=True)[:ROUNDS]
    )
    half = str.maketrans(
        "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン",
        "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ",
    )
    return {
        "フリガナ（姓の先頭2文字）": [p.family_name_kana[:2] for p in people],
        "フリガナ（姓名・全角スペース）": [p.full_name_kana for p in people],
        "フリガナ（半角・名の一部）": [p.given_name_kana[:3].translate(half) for p in people],
        "氏名（姓）": [p.family_name for p in people],
        "氏名（姓名）": [f"{p.family_name} {p.given_name}" for p in people],
        "基礎年金番号": with_bpn,
        "宛名番号": [p.addressee_number for p in people],
        "生年月日（和暦）": [format_date(p.birth_date) for p in people],
        "生年月日（略記）": [format_short(p.birth_date) for p in people],
        "住所（町名）": [p.address[3:7] for p in people],
    }


@contextmanager
def _as(user):
    token = context.bind(context.AuditContext(actor_id=user.pk, office_id=user.office_id))
    try:
        yield
    finally:
        context.reset(token)


def _request(user, path, params=None):
    from importlib import import_module

    from django.conf import settings

    request = RequestFactory().get(path, params or {})
    request.user = user
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()  # not saved
    return request


def _time_searches(user, samples) -> dict[str, tuple[list[float], int]]:
    out = {}
    for kind, terms in samples.items():
        times = []
        hits = 0
        for term in terms:
            started = time.perf_counter()
            response = views.search(_request(user, "/persons/", {"q": term}))
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
            hits += 1
        out[kind] = (times, hits)
    return out


def _drop_indexes() -> None:
    with connection.cursor() as cursor:
        for name in SEARCH_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE qualifications_person")


def run() -> list[str]:
    n = int(os.environ.get("BENCH_PERSONS", "100000"))
    if Person.objects.count() < n:
        with open(os.devnull, "w") as devnull:
            call_command("seed_demo", persons=n - Person.objects.count(), seed=11, stdout=devnull)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE qualifications_person")
            cursor.execute("ANALYZE qualifications_qualificationrecord")
    user = Staff.objects.get(username="madoguchi")
    user.is_verified = lambda: True
    user.get_all_permissions()
    rng = random.Random(5)
    samples = _samples(rng)
    lines = [
        f"persons: {Person.objects.count():,}; qualification rows: "
        f"{QualificationRecord.objects.count():,}; {ROUNDS} different queries per kind"
    ]
    with _as(user), transaction.atomic():
        # warm-up, then measured with the indexes, then without them (rolled back after)
        _time_searches(user, {k: v[:3] for k, v in samples.items()})
        indexed = _time_searches(user, samples)
        person_ids = list(
            QualificationRecord.objects.filter(is_latest=True).values_list("person_id", flat=True)[
                :ROUNDS
            ]
        )
        page_times = []
        counts = set()
        for pk in person_ids:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = views.person(_request(user, f"/persons/{pk}/"), pk=pk)
                page_times.append(time.perf_counter() - started)
            assert response.status_code == 200
            counts.add(len(queries))
        shapes = _prefix_shapes(samples["フリガナ（姓の先頭2文字）"])
        http = _over_http(samples, person_ids)
        with transaction.atomic():
            _drop_indexes()
            baseline = _time_searches(user, samples)
            transaction.set_rollback(True)
        transaction.set_rollback(True)

    lines.append("| query kind | p50 ms | p95 ms | p95 without indexes ms | ratio |")
    lines.append("|---|---|---|---|---|")
    worst = 0.0
    for kind in samples:
        times, _ = indexed[kind]
        base, _ = baseline[kind]
        p95, b95 = _p(times, 0.95), _p(base, 0.95)
        worst = max(worst, p95)
        lines.append(
            f"| {kind} | {statistics.median(times) * 1000:.1f} | {p95:.1f} | {b95:.1f} "
            f"| {b95 / p95:.1f}× |"
        )
    lines.append(
        f"person page: p50 {statistics.median(page_times) * 1000:.1f} ms, "
        f"p95 {_p(page_times, 0.95):.1f} ms, SQL queries per page {sorted(counts)}"
    )
    lines.append(
        f"target search p95 ≤ 25 ms (view): {'met' if worst <= 25 else 'NOT met'} "
        f"(worst kind {worst:.1f} ms)"
    )
    old, new = shapes
    lines.append(
        f"first {COUNT_CAP + 1} ids of a 2-character kana prefix (the search function): "
        f"baseline one OR query sorting every match p50 {statistics.median(old) * 1000:.1f} / "
        f"p95 {_p(old, 0.95):.1f} ms; search_ids (branches read in index order, merged) "
        f"p50 {statistics.median(new) * 1000:.1f} / p95 {_p(new, 0.95):.1f} ms; "
        f"ratio {_p(old, 0.95) / _p(new, 0.95):.1f}×"
    )
    lines.append("Through HTTP (test client, every middleware, logged in with password + TOTP):")
    lines.append("| page | p50 ms | p95 ms | SQL statements |")
    lines.append("|---|---|---|---|")
    worst_http = 0.0
    for name, (times, statements) in http.items():
        if name in samples:
            worst_http = max(worst_http, _p(times, 0.95))
        lines.append(
            f"| {name} | {statistics.median(times) * 1000:.1f} | {_p(times, 0.95):.1f} "
            f"| {sorted(statements)} |"
        )
    lines.append(
        f"target search p95 ≤ 35 ms (HTTP): {'met' if worst_http <= 35 else 'NOT met'} "
        f"(worst kind {worst_http:.1f} ms)"
    )
    return lines


def _prefix_shapes(terms: list[str]) -> tuple[list[float], list[float]]:
    """The same-run baseline of item 3: the old query shape against search_ids."""
    from qualifications.selectors import search_ids, understand

    old, new = [], []
    for term in terms:
        query = understand(term)
        started = time.perf_counter()
        list(
            Person.objects.filter(query.condition)
            .order_by("kana_key", "id")
            .values_list("pk", flat=True)[: COUNT_CAP + 1]
        )
        old.append(time.perf_counter() - started)
        started = time.perf_counter()
        search_ids(query, COUNT_CAP + 1)
        new.append(time.perf_counter() - started)
    return old, new


def _over_http(samples, person_ids) -> dict[str, tuple[list[float], set[int]]]:
    from django.test import Client

    from kokumin_nenkin.accounts.models import Role
    from tests.conftest import login, make_staff

    client = login(Client(), make_staff("bench-search-http", Role.COUNTER))
    now = override_settings(HOME_WORK_LIST_SECONDS=60)  # production's default (tests read fresh)
    now.enable()
    with override_settings(**BEFORE):  # a session logged in through ModelBackend
        before = login(Client(), make_staff("bench-search-before", Role.COUNTER))
    urls = {kind: [f"/persons/?q={term}" for term in terms] for kind, terms in samples.items()}
    urls["ホーム（窓口担当）"] = ["/"] * ROUNDS
    urls["個人の画面"] = [f"/persons/{pk}/" for pk in person_ids]
    for url in [*urls["個人の画面"][:3], "/"]:
        client.get(url)  # warm-up
    out = {}
    for name, batch in urls.items():
        times, counts = [], set()
        for url in batch:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            counts.add(
                sum(
                    not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
                    for q in queries.captured_queries
                )
            )
        out[name] = (times, counts)
    now.disable()
    # item 1's same-run baseline: the session touched on every request, ModelBackend (user,
    # office, user and group permissions read apart), the home page's work-list counts read
    with override_settings(**BEFORE):
        for url in [*urls["個人の画面"][:3], "/"]:
            before.get(url)
        for name in ("ホーム（窓口担当）", "個人の画面", "フリガナ（姓の先頭2文字）"):
            times, counts = [], set()
            for url in urls[name]:
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = before.get(url)
                    times.append(time.perf_counter() - started)
                assert response.status_code == 200, (url, response.status_code)
                counts.add(
                    sum(
                        not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
                        for q in queries.captured_queries
                    )
                )
            out[f"{name} — per-request settings of before"] = (times, counts)
    return out


BEFORE = {
    "SESSION_TOUCH_SECONDS": 0,
    "HOME_WORK_LIST_SECONDS": 0,
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ],
}
