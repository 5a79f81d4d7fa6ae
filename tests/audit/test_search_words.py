"""The words typed into a search are kept beside the chain: the chained event keeps their salted
digest, the auditor reads the words (or 「消去済み」 once a purge deleted them), and an edited,
deleted or slipped-in words row makes verify_audit_chain fail and name it."""

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit import bound, chain
from audit.models import Action, AuditEvent, SearchWords, Tombstone, TombstoneCause
from kokumin_nenkin.csv_safety import BOM

from .conftest import make_person, tamper
from .test_chain import verify_command, verify_fails_at

pytestmark = pytest.mark.django_db

WORDS = "試験　花子"


@pytest.fixture
def searched(client_for):
    """madoguchi searched for 試験 花子 (one person found) through the search screen."""
    make_person(family_name="試験", given_name="花子")
    response = client_for("madoguchi").get(reverse("qualifications:search"), {"q": WORDS})
    assert response.status_code == 200 and "1件" in response.content.decode()
    return AuditEvent.objects.get(action=Action.SEARCH)


def test_the_event_keeps_a_salted_digest_and_the_words_sit_beside_the_chain(searched):
    row = SearchWords.objects.get()
    assert row.words == WORDS
    assert (searched.object_type, searched.object_id) == ("audit.SearchWords", str(row.pk))
    assert "花子" not in str(searched.details)
    assert searched.details["検索語SHA-256"] == bound.canonical_digest(
        {"id": row.pk, "words": row.words, "salt": row.salt, "created_at": row.created_at}
    )
    out = verify_command()
    assert "正常" in out and "検索語の記録: 1 件を照合" in out


def test_the_same_words_typed_twice_give_two_different_digests(client_for, searched):
    client_for("kakunin").get(reverse("qualifications:search"), {"q": WORDS})
    digests = {e.details["検索語SHA-256"] for e in AuditEvent.objects.filter(action="search")}
    assert len(digests) == 2  # the salt: a digest left after a purge cannot be matched to a name


def test_the_next_page_names_the_same_words_and_the_session_no_longer_holds_them(client_for):
    from django.contrib.sessions.models import Session

    for i in range(25):
        make_person(family_name="頁送", given_name=f"次郎{i}")
    client = client_for("madoguchi")
    first = client.post(reverse("qualifications:search"), {"q": "頁送"}, follow=True)
    assert "25件" in first.content.decode()
    client.get(first.redirect_chain[-1][0] + "&page=2")
    events = list(AuditEvent.objects.filter(action="search").order_by("chain_position"))
    assert [e.details["ページ"] for e in events] == [1, 2]
    assert len({e.object_id for e in events}) == 1 and SearchWords.objects.count() == 1
    for session in Session.objects.all():
        assert "頁送" not in str(session.get_decoded())
    assert "正常" in verify_command()


def test_every_page_of_one_search_shows_its_words_to_the_auditor(client_for):
    # the pages of one search name one words row: each page's event shows the words
    for i in range(25):
        make_person(family_name="頁送", given_name=f"三郎{i}")
    client = client_for("madoguchi")
    first = client.post(reverse("qualifications:search"), {"q": "頁送"}, follow=True)
    client.get(first.redirect_chain[-1][0] + "&page=2")
    html = client_for("kansa").get(reverse("audit:index"), {"action": "search"}).content.decode()
    assert html.count("<dt>検索語</dt><dd>頁送</dd>") == 2
    assert "検索語SHA-256" not in html


def test_the_audit_screen_and_the_csv_show_the_words_then_that_they_were_deleted(
    client_for, searched
):
    kansa = client_for("kansa")
    html = kansa.get(reverse("audit:index"), {"action": "search"}).content.decode()
    assert f"<dt>検索語</dt><dd>{WORDS}</dd>" in html and "検索語SHA-256" not in html
    text = kansa.get(reverse("audit:export_events"), {"action": "search"}).content.decode()
    rows = list(csv.reader(io.StringIO(text[len(BOM) :])))
    assert any(f"検索語: {WORDS}" in row[10] for row in rows[1:])

    with transaction.atomic():
        bound.purge("audit.SearchWords", [int(searched.object_id)], cause=TombstoneCause.PURGE)
    html = kansa.get(reverse("audit:index"), {"action": "search"}).content.decode()
    assert "花子" not in html
    assert "<dt>検索語</dt><dd>（消去済み：令和" in html and "被保険者の消去）" in html
    text = kansa.get(reverse("audit:export_events"), {"action": "search"}).content.decode()
    assert "花子" not in text and "検索語: （消去済み：" in text
    verified = chain.verify()
    assert verified.ok, verified.reason
    assert verified.search_words_purged == 1


def test_words_rows_are_append_only_and_go_only_with_their_tombstone(searched):
    row_id = int(searched.object_id)
    refused("UPDATE audit_searchwords SET words = 'x'", "DELETE FROM audit_searchwords")
    assert SearchWords.objects.filter(pk=row_id).exists()
    with transaction.atomic():
        assert bound.purge("audit.SearchWords", [row_id], cause=TombstoneCause.EXPIRY) == 1
    assert not SearchWords.objects.exists()
    assert Tombstone.objects.get(object_type="audit.SearchWords").object_id == row_id
    refused("UPDATE audit_tombstone SET digest = 'x'", "DELETE FROM audit_tombstone")


def refused(*statements: str) -> None:
    for sql in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


def test_edited_words_are_named(searched):
    tamper("UPDATE audit_searchwords SET words = %s", ["別人"])
    message = verify_fails_at()
    assert f"SearchWords {searched.object_id}" in message and "一致しません" in message
    assert f"位置 {searched.chain_position}" in message


def test_words_deleted_without_a_tombstone_are_named(searched):
    tamper("DELETE FROM audit_searchwords")
    message = verify_fails_at()
    assert f"SearchWords {searched.object_id}" in message and "削除" in message


def test_a_tombstone_with_another_digest_is_named(searched):
    with transaction.atomic():
        bound.purge("audit.SearchWords", [int(searched.object_id)], cause=TombstoneCause.PURGE)
    assert chain.verify().ok
    tamper("UPDATE audit_tombstone SET digest = %s", ["0" * 64])
    message = verify_fails_at()
    assert f"SearchWords {searched.object_id}" in message and "消去記録" in message


def test_words_slipped_in_beside_the_chain_are_named(searched):
    from django.utils import timezone

    forged = SearchWords.objects.create(words="偽", salt="0" * 32, created_at=timezone.now())
    message = verify_fails_at()
    assert f"SearchWords {forged.pk}" in message and "チェーンにありません" in message


def test_a_next_page_after_its_words_were_deleted_keeps_the_chain_sound(client_for):
    for i in range(25):
        make_person(family_name="頁後", given_name=f"次郎{i}")
    client = client_for("madoguchi")
    first = client.post(reverse("qualifications:search"), {"q": "頁後"}, follow=True)
    words_id = int(AuditEvent.objects.get(action="search").object_id)
    with transaction.atomic():
        bound.purge("audit.SearchWords", [words_id], cause=TombstoneCause.PURGE)
    assert client.get(first.redirect_chain[-1][0] + "&page=2").status_code == 200
    second = AuditEvent.objects.filter(action="search").latest("chain_position")
    assert second.object_id == str(words_id) and second.details["ページ"] == 2
    verified = chain.verify()
    assert verified.ok, verified.reason
