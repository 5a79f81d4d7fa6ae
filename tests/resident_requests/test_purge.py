"""The retention purge: the dry run changes nothing; the real run leaves nothing of the person in
any table, the audit events intact and the chain verifiable, one purge event per person."""

import json
import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit import chain
from audit.models import Action, AuditEvent, SearchWords, Tombstone
from qualifications.models import Person, QualificationRecord
from resident_requests.purge import plan, purge_persons
from resident_requests.retention import due_persons

from .helpers import person_with_everything

# the name the person had before their 氏名変更届 (the search words typed then)
EARLIER = {
    "family_name": "旧川",
    "given_name": "前名子",
    "family_name_kana": "キュウカワ",
    "given_name_kana": "ゼンメイコ",
}

pytestmark = pytest.mark.django_db


def renamed(cast, person, **name):
    """An approved 氏名変更届 (the person's earlier name stays in the diff of the person row)."""
    from kokumin_nenkin.verification.services import entry_submit
    from tests.qualifications.factories import approve

    today = timezone.localdate().isoformat()
    entry = entry_submit(
        kind="qualifications.name_change",
        person=person,
        payload={"notified_on": today, "changed_on": today, **name},
        actor=cast["madoguchi"],
    )
    approve(entry, cast["kakunin"])
    person.refresh_from_db()
    return person


def gone_long_ago(person, years=6):
    QualificationRecord.objects.filter(person=person).update(is_latest=False)
    QualificationRecord.objects.create(
        person=person,
        event="loss",
        held="0",
        lost_on=timezone.localdate() - timedelta(days=365 * years),
        loss_cause="",
        operator_id=QualificationRecord.objects.filter(person=person).first().operator_id,
    )


def table_rows_mentioning(*needles: str) -> dict[str, int]:
    """column -> a needle found in it; JSON columns are read in their stored form as well
    (SQLite keeps "\\u65e7" for 旧)."""
    needles = tuple({*needles, *(json.dumps(n)[1:-1] for n in needles)})
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cols = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            for col in cols:
                for needle in needles:
                    cursor.execute(
                        f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{col}" AS TEXT) LIKE %s',  # noqa: S608
                        [f"%{needle}%"],
                    )
                    if cursor.fetchone()[0]:
                        found[f"{table}.{col}"] = needle
    return found


@pytest.fixture
def due(cast):
    person = person_with_everything(cast, **EARLIER)
    renamed(
        cast,
        person,
        family_name="梢川",
        given_name="対象子",
        family_name_kana="コズエカワ",
        given_name_kana="タイショウコ",
    )
    gone_long_ago(person)
    kept = person_with_everything(cast, batch=False, family_name="保存", given_name="継続子")
    return person, kept


def test_only_persons_past_retention_are_due(due):
    person, _kept = due
    assert [d.person_id for d in due_persons(timezone.localdate())] == [person.pk]


def test_the_dry_run_lists_and_changes_nothing(due, capsys):
    person, _kept = due
    before = {t: AuditEvent.objects.count() for t in ("events",)}
    call_command("purge_expired", "--dry-run")
    out = capsys.readouterr().out
    assert "消去の対象 1 人" in out
    assert Person.objects.filter(pk=person.pk).exists()
    assert AuditEvent.objects.count() == before["events"]
    assert not Tombstone.objects.exists()


def test_the_purge_leaves_nothing_of_the_person_and_the_chain_still_verifies(
    cast, client_for, due, capsys
):
    """Nothing of the person is left in any table — their earlier name (before a 氏名変更届)
    included, and the words of searches by it: the purge event and the dry run say how many
    search words went for the person."""
    person, kept = due
    number, family, given = person.addressee_number, person.family_name, person.given_name
    madoguchi = client_for("madoguchi")
    # searches by the earlier name only (kanji, half-width kana): the current name finds no one
    for words in ["旧川　前名子", "ｷｭｳｶﾜ ｾﾞﾝﾒｲｺ", "前名"]:
        page = madoguchi.get(reverse("qualifications:search"), {"q": words}).content.decode()
        assert person.addressee_number not in page
    madoguchi.get(reverse("qualifications:search"), {"q": "梢川"})
    madoguchi.get(reverse("qualifications:search"), {"q": "保存 継続子"})
    events_before = AuditEvent.objects.filter(person_id=person.pk).count()
    earlier = [EARLIER["family_name"], EARLIER["given_name"], EARLIER["family_name_kana"]]
    assert table_rows_mentioning(number, family + given, given)  # the scan finds them first
    assert "audit_searchwords.words" in table_rows_mentioning(*earlier)
    assert "auditlog_logentry.changes" in table_rows_mentioning(*earlier)  # the earlier name

    call_command("purge_expired", "--dry-run")
    dry_run = capsys.readouterr().out
    assert re.search(rf"被保険者ID {person.pk}: 記録 \d+ 件、検索語 4 件", dry_run), dry_run
    assert "検索語（同上、対象者を検索したもの）: 4 件" in dry_run

    result = purge_persons([person.pk], as_of=timezone.localdate(), actor=cast["kakunin"])
    assert result.person_ids == [person.pk]
    assert table_rows_mentioning(number, given, family, *earlier, "ｷｭｳｶﾜ") == {}
    assert list(SearchWords.objects.values_list("words", flat=True)) == ["保存 継続子"]
    stones = Tombstone.objects.filter(object_type="audit.SearchWords")
    assert stones.count() == 4 and {s.person_id for s in stones} == {person.pk}
    assert Person.objects.filter(pk=kept.pk).exists()
    # the audit events stay, naming the person by id; one purge event with the counts
    assert AuditEvent.objects.filter(person_id=person.pk).count() == events_before + 1
    purge = AuditEvent.objects.get(person_id=person.pk, action=Action.PURGE)
    assert purge.details["件数別"]["qualifications.Person"] == 1
    assert purge.details["件数"] > 5
    assert purge.details["検索語件数"] == 4
    verified = chain.verify()
    assert verified.ok, verified.reason
    assert verified.log_entries_purged > 0
    assert (verified.search_words_purged, verified.search_words_checked) == (4, 1)
    call_command("verify_audit_chain")
    # the auditor reads that the words of the searches by the earlier name were deleted
    html = client_for("kansa").get(reverse("audit:index"), {"action": "search"}).content.decode()
    assert html.count("<dt>検索語</dt><dd>（消去済み：") == 4
    assert "旧川" not in html and "ｷｭｳｶﾜ" not in html


def test_the_retention_screen_shows_the_search_words_per_person(client_for, due):
    person, _kept = due
    madoguchi = client_for("madoguchi")
    for words in ["旧川", "キュウカワ", "梢川 対象子"]:
        madoguchi.get(reverse("qualifications:search"), {"q": words})
    html = client_for("kakunin").get(reverse("resident_requests:retention")).content.decode()
    row = html[html.index(person.addressee_number) :]
    row = row[: row.index("</tr>")]
    assert '<td class="num">3件</td>' in row


def test_the_words_of_searches_that_find_the_person_go_with_them(cast, client_for, due):
    """A search for the person's name, kana, 宛名番号 or birth date (typed any way the search box
    reads) leaves their words beside the chain; the purge deletes those words (a tombstone each),
    keeps the words of a search for someone else, and the chain still verifies."""
    person, _kept = due
    madoguchi = client_for("madoguchi")
    # the birth date (平成2年6月15日) finds the person kept as well: its words go all the same
    typed = ["梢川　対象子", "ｺｽﾞｴｶﾜ", person.addressee_number, "H2.6.15", "保存 継続子"]
    for words in typed:
        assert madoguchi.get(reverse("qualifications:search"), {"q": words}).status_code == 200
    assert SearchWords.objects.count() == len(typed)
    assert "梢川" in table_rows_mentioning("梢川").get("audit_searchwords.words", "")
    dry = plan([person.pk], timezone.localdate())
    assert len(dry.search_words) == 4 and SearchWords.objects.count() == 5  # the dry run reads

    purge_persons([person.pk], as_of=timezone.localdate(), actor=cast["kakunin"])
    assert table_rows_mentioning(person.addressee_number, "梢川", "対象子", "コズエ") == {}
    assert list(SearchWords.objects.values_list("words", flat=True)) == ["保存 継続子"]
    stones = Tombstone.objects.filter(object_type="audit.SearchWords")
    assert stones.count() == 4 and {s.person_id for s in stones} == {person.pk}
    verified = chain.verify()
    assert verified.ok, verified.reason
    assert (verified.search_words_purged, verified.search_words_checked) == (4, 1)
    # the auditor reads the words of the search kept, and that the others were deleted
    html = client_for("kansa").get(reverse("audit:index"), {"action": "search"}).content.decode()
    assert "<dt>検索語</dt><dd>保存 継続子</dd>" in html
    assert html.count("<dt>検索語</dt><dd>（消去済み：") == 4
    assert "梢川" not in html and "ｺｽﾞｴｶﾜ" not in html


def test_search_words_past_their_own_retention_expire_with_a_tombstone(cast, capsys):
    from unittest import mock

    from audit.search_words import record_search

    long_ago = timezone.now() - timedelta(days=400)
    with mock.patch("audit.search_words.timezone.now", return_value=long_ago):
        record_search("古い検索", details={"該当件数": 0})
    record_search("新しい検索", details={"該当件数": 0})
    call_command("purge_expired", "--dry-run")
    assert "保存期間を満了した検索語（消去記録を残して削除）: 1 件" in capsys.readouterr().out
    assert SearchWords.objects.count() == 2
    call_command("purge_expired")
    assert list(SearchWords.objects.values_list("words", flat=True)) == ["新しい検索"]
    stone = Tombstone.objects.get(object_type="audit.SearchWords")
    assert stone.cause == "expiry"
    assert chain.verify().ok


def test_a_tombstone_with_another_digest_breaks_the_verification(cast, due):
    from audit.triggers import maintenance

    person, _kept = due
    purge_persons([person.pk], as_of=timezone.localdate(), actor=cast["kakunin"])
    stone = Tombstone.objects.first()
    with maintenance():
        Tombstone.objects.filter(pk=stone.pk).update(digest="0" * 64)
    assert not chain.verify().ok


def test_a_diff_without_a_tombstone_still_cannot_be_deleted(due):
    from auditlog.models import LogEntry
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.all()._raw_delete(LogEntry.objects.db)


def test_a_shared_batch_output_holds_the_person_back_until_everyone_in_it_is_due(cast):
    from jps_reporting.services import batch_confirm
    from tests.jps_reporting.flow import approved_acquisition

    m, k = cast["madoguchi"], cast["kakunin"]
    one = approved_acquisition(m, k, family_name="共通", given_name="一子")
    two = approved_acquisition(m, k, family_name="共通", given_name="二子")
    batch_confirm(
        cutoff=timezone.localdate(),
        entry_ids=[one.pk, two.pk],
        messages={},
        actor=cast["shintatsu"],
    )
    result = plan([one.person_id], date.today())
    assert result.person_ids == []
    assert one.person_id in result.held_back
    both = plan([one.person_id, two.person_id], date.today())
    assert both.person_ids == sorted([one.person_id, two.person_id])
