"""The one search box: フリガナ in any width and spacing, 氏名 partial, 基礎年金番号, 宛名番号,
生年月日 in 和暦 or 西暦, address; paginated; every search audited with query and hit count."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent, SearchWords
from kokumin_nenkin.identifiers import contains_my_number_like
from qualifications.selectors import search_persons, understand
from tests.qualifications.factories import make_person


@pytest.fixture
def people(db):
    return {
        "yamada": make_person(
            family_name="山田",
            given_name="太郎",
            family_name_kana="ヤマダ",
            given_name_kana="タロウ",
            birth_date=date(1980, 4, 1),
            basic_pension_number="1234-567890",
            addressee_number="0000001234",
            address="熊谷市本町一丁目2番3号",
        ),
        "yamaguchi": make_person(
            family_name="山口",
            given_name="花子",
            family_name_kana="ヤマグチ",
            given_name_kana="ハナコ",
            birth_date=date(1995, 12, 24),
            address="熊谷市妻沼五丁目1番1号",
        ),
        "tanaka": make_person(
            family_name="田中",
            given_name="一郎",
            family_name_kana="タナカ",
            given_name_kana="イチロウ",
            birth_date=date(1989, 1, 8),
        ),
    }


def found(text):
    return {p.family_name for p in search_persons(understand(text))}


@pytest.mark.parametrize(
    "query,expected",
    [
        ("ヤマダ タロウ", {"山田"}),
        ("ヤマダ　タロウ", {"山田"}),
        ("ﾔﾏﾀﾞﾀﾛｳ", {"山田"}),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", {"山田"}),
        ("やまだ", {"山田"}),
        ("ヤマ", {"山田", "山口"}),
        ("ハナコ", {"山口"}),
        ("山", {"山田", "山口"}),
        ("山田 太郎", {"山田"}),
        ("田太郎", {"山田"}),  # three characters or more: anywhere in the name
        ("田", {"田中"}),  # shorter: from the start of 姓 or 名 (前方一致)
        ("タロ", {"山田"}),  # 名 from its start
        ("マダ", set()),
        ("1234-567890", {"山田"}),
        ("１２３４５６７８９０", {"山田"}),
        ("0000001234", {"山田"}),
        ("S55.4.1", {"山田"}),
        ("昭和55年4月1日", {"山田"}),
        ("1980-04-01", {"山田"}),
        ("19800401", {"山田"}),
        ("H1.1.8", {"田中"}),
        ("平成元年1月8日", {"田中"}),
        ("R7.12.24", set()),
        ("妻沼", {"山口"}),
        ("本町一丁目", {"山田"}),
        ("スズキ", set()),
    ],
)
def test_search_understands_the_query(people, query, expected):
    assert found(query) == expected


def test_a_broad_search_stops_counting_at_the_cap(client_for, db, monkeypatch):
    from qualifications import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 10)
    for i in range(12):
        make_person(family_name="広範", given_name=f"花{i}")
    html = client_for("madoguchi").get(reverse("qualifications:search"), {"q": "広範"})
    assert "1,000件以上" in html.content.decode()
    assert AuditEvent.objects.get(action="search").details["上限到達"] is True


def test_search_page_is_paginated_and_audited(client_for, cast, db):
    for i in range(25):
        make_person(
            family_name="鈴木",
            given_name=f"次郎{i}",
            family_name_kana="スズキ",
            given_name_kana="ジロウ",
        )
    client = client_for("madoguchi")
    first = client.get(reverse("qualifications:search"), {"q": "ｽｽﾞｷ"})
    assert first.status_code == 200
    html = first.content.decode()
    assert "25件" in html and "1 / 2" in html
    second = client.get(reverse("qualifications:search"), {"q": "ｽｽﾞｷ", "page": 2})
    assert second.content.decode().count("次郎") == 5
    events = AuditEvent.objects.filter(action="search", actor=cast["madoguchi"]).order_by("id")
    assert [e.details["該当件数"] for e in events] == [25, 25]
    # the words beside the chain (a purge can delete them), the event keeps their digest
    assert SearchWords.objects.get(pk=events[0].object_id).words == "ｽｽﾞｷ"
    assert "検索語SHA-256" in events[0].details and "ｽｽﾞｷ" not in str(events[0].details)
    assert events[0].details["解釈"] == "kana"


def test_a_my_number_finds_the_person_but_never_reaches_the_audit_log(client_for, db):
    person = make_person(my_number_value="987654321093", family_name="番号")
    client = client_for("madoguchi")
    response = client.post(reverse("qualifications:search"), {"q": "9876 5432 1093"}, follow=True)
    assert response.status_code == 200
    assert "9876" not in response.redirect_chain[-1][0]  # the results URL is opaque
    html = response.content.decode()
    assert person.full_name in html and "個人番号として検索・1件" in html
    assert not contains_my_number_like(html)
    event = AuditEvent.objects.get(action="search")
    assert "9876" not in str(event.details) and event.details["該当件数"] == 1


def test_search_refused_without_the_permission(client_for, db):
    for who in ("kanri", "kansa", "shintatsu"):
        assert (
            client_for(who).get(reverse("qualifications:search"), {"q": "ヤマ"}).status_code == 403
        )
    assert not AuditEvent.objects.filter(action="search").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [1, 3, 7, 50])
def test_a_short_kana_prefix_reads_its_branches_in_order_and_merges_them(limit):
    """search_ids (issue 16): the 前方一致 of 姓名 and of 名, each read in the result order up to
    the limit, give the same ids as sorting every match; a person in both comes once."""
    from qualifications.selectors import search_ids

    for i, (family, given) in enumerate(
        [("ヤマダ", "タロウ"), ("アベ", "ヤマト"), ("ヤマモト", "ヤマコ"), ("ヤマグチ", "ハナコ")]
        * 3
    ):
        make_person(family_name=f"試験{i}", family_name_kana=family, given_name_kana=given)
    make_person(family_name="対象外", family_name_kana="タナカ", given_name_kana="イチロウ")
    query = understand("ヤマ")
    assert query.kana_prefix == "ヤマ"
    everything = list(search_persons(query).values_list("pk", flat=True))
    assert len(everything) == 12
    assert search_ids(query, limit) == everything[:limit]


@pytest.mark.django_db
@pytest.mark.parametrize("cap", [1000, 5, 2])
@pytest.mark.parametrize("term", ["山田", "熊谷市本町", "S55.4.1", "本町"])
def test_a_name_address_or_date_search_reads_its_matches_then_orders_them(term, cap, monkeypatch):
    """_matches_then_order (issue 16, 1,000,000 persons: '山田' read 900,000 index entries in
    the フリガナ order): the matches are read first and ordered after, and a term matching more
    than MATCHES_ORDERED_HERE rows walks the order as before — the same ids either way."""
    from qualifications import selectors

    monkeypatch.setattr(selectors, "MATCHES_ORDERED_HERE", cap)
    kanas = ["ヤマダ", "アベ", "ワタナベ", "ヤマダ", "イトウ", "ヤマダ", "ウエノ"]
    for i, kana in enumerate(kanas):
        make_person(
            family_name="山田" if kana == "ヤマダ" else f"試験{i}",
            family_name_kana=kana,
            given_name_kana="タロウ",
            birth_date=date(1980, 4, 1),
            address="熊谷市本町一丁目" if i % 2 else "熊谷市妻沼",
        )
    query = understand(term)
    everything = list(search_persons(query).values_list("pk", flat=True))
    assert everything, term
    for limit in (1, 2, len(everything), 1001):
        assert selectors.search_ids(query, limit) == everything[:limit]


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_on_postgresql_the_prefix_is_read_from_the_order_index_without_sorting():
    from django.db import connection

    from qualifications.selectors import SORT_KEY, _sorted

    rows = _sorted(search_persons(understand("ヤマダ")).model.objects.all()).filter(
        **{f"{SORT_KEY}__startswith": "ヤマ"}
    )
    with connection.cursor() as cursor:
        # A tiny test table whose statistics depend on the tests run before: the planner would
        # pick any plan. With sequential scans, bitmap scans and sorts priced out, a plan without
        # a Sort node exists only if an index gives the order: it must be person_kana_order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        sql, params = rows.values_list("id").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql} LIMIT 1001", params)
        plan = "\n".join(r[0] for r in cursor.fetchall())
    assert "person_kana_order" in plan, plan
    assert "Sort" not in plan, plan
