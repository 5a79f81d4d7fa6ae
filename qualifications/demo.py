"""This app's part of seed_demo: synthetic persons and households, identifiers and
qualification histories, so every workflow has examples: 20-year-olds still to enrol (some
already taken in, waiting for verification, one returned), people who just turned 60, category
changes, deaths, 任意加入; and the search indexes tidied once every part has run.

The generator is deterministic for a seed and bulk inserts, so 100,000 persons are quick. Ages
are spread: people about to turn 20 (acquisition), just past 60 (loss), 65 (benefit claims),
students, couples with a dependent spouse, some moved out and some deceased.

Everything here is made up: 個人番号 are random digits with a correct check digit,
基礎年金番号 are random. Histories are written as migrated data (no entry, no audit event).
Registered from `QualificationsConfig.ready()` (`register_demo_parts`).

Longer than our usual 400 lines on purpose: the histories, the waiting entries and the bulk
generator share one random stream per seed, and splitting them would make the same seed give
different data.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery

from kokumin_nenkin.accounts.models import Staff
from kokumin_nenkin.bulk import allocate_ids, bulk_copy
from kokumin_nenkin.demo.entries import demo_entry
from kokumin_nenkin.demo.names import FAMILY_NAMES, FEMALE_GIVEN, KANJI_NUMBERS, MALE_GIVEN, TOWNS
from kokumin_nenkin.demo.parts import DemoPart, DemoRun, register_demo_part
from kokumin_nenkin.identifiers import my_number_check_digit
from kokumin_nenkin.verification.models import Entry, EntryHistory, Status
from kokumin_nenkin.verification.registry import get_kind
from kokumin_nenkin.verification.services import entry_approve

from . import my_number
from .codes import (
    AcquisitionCause,
    CategoryChangeCause,
    Event,
    Held,
    InsuredCategory,
    LossCause,
)
from .models import Household, Memo, Person, QualificationRecord, ResidenceStatus, Sex
from .rules import age_reached_on

RECENT_DAYS = 60  # reached 20 / 60 within this many days: work still to do
BATCH = 2000


def synthetic_my_number(sequence: int) -> str:
    """A made-up 個人番号 with a correct check digit. The first 11 digits are the person's
    sequence number scrambled by a multiplier coprime to 10, so no two persons share one."""
    first11 = f"{(sequence * 73_939_133 + 12_345_678_901) % 10**11:011d}"
    return first11 + str(my_number_check_digit(first11))


def fill_identifiers(rng: random.Random, person: Person, today: date, sequence: int) -> None:
    """Before insert: 個人番号 (most people), 基礎年金番号 (adults), search keys."""
    if rng.random() < 0.95:
        number = synthetic_my_number(sequence)
        person.my_number_encrypted = my_number.encrypt(number)
        person.my_number_hash = my_number.lookup_hash(number)
    adult_since = age_reached_on(person.birth_date, 20)
    if adult_since <= today - timedelta(days=RECENT_DAYS) and rng.random() < 0.97:
        person.basic_pension_number = f"{rng.randint(1000, 9999)}-{rng.randint(0, 999999):06d}"
    person.normalise()


def _row(person, operator, **fields) -> QualificationRecord:
    return QualificationRecord(person=person, operator=operator, is_latest=False, **fields)


def history_for(rng: random.Random, person: Person, today: date, operator):
    """The migrated history of one person (oldest first, the last one latest)."""
    at20 = age_reached_on(person.birth_date, 20)
    at60 = age_reached_on(person.birth_date, 60)
    if at20 > today - timedelta(days=RECENT_DAYS):
        return []  # under 20, or just turned 20: enrolment is work still to do
    if person.residence_status == ResidenceStatus.MOVED_OUT and rng.random() < 0.5:
        return []
    rows = []
    acquisition: dict[str, Any] = {
        "event": Event.ACQUISITION,
        "held": Held.HELD,
        "category": InsuredCategory.FIRST,
        "acquisition_notified_on": at20 + timedelta(days=rng.randint(0, 20)),
        "acquired_on": at20,
        "acquisition_cause": AcquisitionCause.AGE_20,
    }
    rows.append(_row(person, operator, **acquisition))
    state = dict(acquisition)
    end = min(today, at60 - timedelta(days=1))
    if (end - at20).days > 800 and rng.random() < 0.3:
        changed = at20 + timedelta(days=rng.randint(300, (end - at20).days - 300))
        state.update(
            event=Event.CATEGORY_CHANGE,
            category=InsuredCategory.SECOND,
            category_changed_on=changed,
            category_change_cause=CategoryChangeCause.BECAME_SECOND,
            category_change_notified_on=changed + timedelta(days=rng.randint(0, 14)),
        )
        rows.append(_row(person, operator, **state))
        if rng.random() < 0.5 and (end - changed).days > 200:
            back = changed + timedelta(days=rng.randint(100, (end - changed).days - 50))
            state.update(
                category=InsuredCategory.FIRST,
                category_changed_on=back,
                category_change_cause=CategoryChangeCause.LEFT_SECOND,
                category_change_notified_on=back + timedelta(days=rng.randint(0, 14)),
            )
            rows.append(_row(person, operator, **state))
    last_change = state.get("category_changed_on") or at20
    if person.residence_status == ResidenceStatus.DECEASED and at60 > today:
        died = max(last_change, today - timedelta(days=rng.randint(30, 700)))
        state.update(
            event=Event.LOSS,
            held=Held.NOT_HELD,
            loss_notified_on=min(today, died + timedelta(days=rng.randint(1, 14))),
            lost_on=died + timedelta(days=1),
            loss_cause=LossCause.DEATH,
        )
        rows.append(_row(person, operator, **state))
    elif at60 <= today - timedelta(days=RECENT_DAYS):
        state.update(
            event=Event.LOSS,
            held=Held.NOT_HELD,
            loss_notified_on=at60,
            lost_on=at60,
            loss_cause=LossCause.AGE_60,
        )
        rows.append(_row(person, operator, **state))
        age = today.year - person.birth_date.year
        if 60 <= age <= 64 and rng.random() < 0.08:
            applied = at60 + timedelta(days=rng.randint(1, 200))
            if applied <= today:
                rows.append(
                    _row(
                        person,
                        operator,
                        event=Event.ACQUISITION,
                        held=Held.HELD,
                        category=InsuredCategory.VOLUNTARY,
                        acquisition_notified_on=applied,
                        acquired_on=applied,
                        acquisition_cause=AcquisitionCause.VOLUNTARY_APPLICATION,
                        acquisition_reason="納付済月数が480月に満たないため",
                    )
                )
    if rows:
        rows[-1].is_latest = True
    return rows


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 Feb
        return date(today.year - years, 2, 28)


def pending_work(today: date, staff: dict) -> int:
    """A few entries waiting for verification (one returned) and memos, for the demo queues."""
    makers = [staff["madoguchi"], staff["oosato"]]
    checker = staff["kakunin"]
    young = list(
        Person.objects.filter(
            residence_status=ResidenceStatus.RESIDENT,
            birth_date__gt=_years_ago(today, 20) - timedelta(days=RECENT_DAYS - 2),
            birth_date__lte=_years_ago(today, 20),
        ).order_by("addressee_number")[:8]
    )
    sixty = list(
        Person.objects.filter(
            residence_status=ResidenceStatus.RESIDENT,
            qualifications__is_latest=True,
            qualifications__held=Held.HELD,
            birth_date__gt=_years_ago(today, 60) - timedelta(days=RECENT_DAYS - 2),
            birth_date__lte=_years_ago(today, 60),
        ).order_by("addressee_number")[:4]
    )
    made = 0
    to_approve: list[Entry] = []
    acq = get_kind("qualifications.acquisition")
    loss = get_kind("qualifications.loss")
    for i, person in enumerate(young):
        at20 = age_reached_on(person.birth_date, 20).isoformat()
        payload = {
            "notified_on": today.isoformat(),
            "category": "1",
            "cause": "01",
            "event_on": "",
            "acquired_on": at20,
            "reason": "",
        }
        entry = demo_entry(acq, person, payload, makers[i % 2])
        if i >= max(1, len(young) - 2):  # never the one returned below
            to_approve.append(entry)
        if i == 0:
            entry.status = Status.RETURNED
            entry.checker = checker
            entry.return_reason = "届出年月日を届書で確認してください。"
            entry.save()
            EntryHistory.objects.create(
                entry=entry,
                from_status=Status.PENDING,
                to_status=Status.RETURNED,
                actor=checker,
                reason=entry.return_reason,
            )
        made += 1
    for i, person in enumerate(sixty):
        at60 = age_reached_on(person.birth_date, 60).isoformat()
        payload = {
            "notified_on": today.isoformat(),
            "cause": "13",
            "event_on": "",
            "lost_on": at60,
            "reason": "",
        }
        entry = demo_entry(loss, person, payload, makers[i % 2])
        if i >= len(sixty) - 2:
            to_approve.append(entry)
        Memo.objects.create(
            person=person,
            registered_on=today,
            operator=makers[i % 2],
            consultation="60歳以降の任意加入について説明した。",
            remarks="納付済月数を確認のうえ再来庁予定。",
        )
        made += 1
    # A few checked by the supervisor, so the 進達 screen has entries waiting to be reported.
    for entry in to_approve:
        kind = get_kind(entry.kind)
        cleaned = kind.decode(entry.payload)
        entry_approve(
            entry_id=entry.pk,
            rekeyed={n: cleaned[n] for n in kind.key_fields},
            actor=checker,
        )
    return made


def tidy_search_indexes() -> None:
    """After a bulk load on PostgreSQL: merge the GIN pending lists of the trigram indexes and
    refresh the planner statistics (autovacuum does the same in time; a demo should not wait).
    Without it every search scans the pending list: 100 ms instead of 2 ms."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(c.oid::regclass) FROM pg_class c "
            "JOIN pg_index i ON i.indexrelid = c.oid JOIN pg_am a ON a.oid = c.relam "
            "WHERE i.indrelid = 'qualifications_person'::regclass AND a.amname = 'gin'"
        )
        cursor.execute("ANALYZE qualifications_person")
        cursor.execute("ANALYZE qualifications_qualificationrecord")


# --- the generator ----------------------------------------------------------------------


@dataclass
class _Member:
    person: Person
    spouse_of: int | None = None  # index in the household of the spouse inserted first


@dataclass
class _Home:
    household: Household
    members: list[_Member] = field(default_factory=list)


class PersonGenerator:
    def __init__(self, seed: int, today: date):
        self.rng = random.Random(seed)  # noqa: S311 — synthetic demo data, not a secret
        # 29 Feb has no counterpart in most years: count ages from the 28th instead.
        self.today = today - timedelta(days=1) if (today.month, today.day) == (2, 29) else today
        self.next_person = Person.objects.count() + 1
        self.next_household = Household.objects.count() + 1
        self.operator = Staff.objects.filter(username="madoguchi").first()

    # --- pieces -------------------------------------------------------------------------
    def birth_date(self, age_min: int, age_max: int) -> date:
        lo = self.today.replace(year=self.today.year - age_max - 1) + timedelta(days=1)
        hi = self.today.replace(year=self.today.year - age_min)
        return lo + timedelta(days=self.rng.randrange((hi - lo).days + 1))

    def adult_age_band(self) -> tuple[int, int]:
        # Weighted towards the ages where the pension office has work to do.
        bands = [
            ((19, 21), 12),
            ((22, 39), 22),
            ((40, 58), 24),
            ((59, 61), 12),
            ((62, 64), 8),
            ((65, 66), 8),
            ((67, 90), 14),
        ]
        return self.rng.choices([b for b, _ in bands], weights=[w for _, w in bands])[0]

    def address(self) -> tuple[str, str]:
        town, postal = self.rng.choice(TOWNS)
        chome = self.rng.choice(KANJI_NUMBERS[:5])
        return (
            f"{settings.CITY_NAME}{town}{chome}丁目{self.rng.randint(1, 40)}番"
            f"{self.rng.randint(1, 25)}号",
            postal,
        )

    def person(self, *, family, sex, birth, address, postal, household, relationship, head):
        given, given_kana = self.rng.choice(MALE_GIVEN if sex == Sex.MALE else FEMALE_GIVEN)
        number = self.next_person
        self.next_person += 1
        status = ResidenceStatus.RESIDENT
        roll = self.rng.random()
        if roll < 0.01:
            status = ResidenceStatus.DECEASED
        elif roll < 0.04:
            status = ResidenceStatus.MOVED_OUT
        person = Person(
            addressee_number=f"{number:010d}",
            family_name=family[0],
            family_name_kana=family[1],
            given_name=given,
            given_name_kana=given_kana,
            sex=sex,
            birth_date=birth,
            postal_code=postal,
            address=address,
            phone=f"048-5{self.rng.randint(0, 99):02d}-{self.rng.randint(0, 9999):04d}"
            if self.rng.random() < 0.7
            else "",
            household=household,
            relationship=relationship,
            is_householder=head,
            residence_status=status,
        )
        fill_identifiers(self.rng, person, self.today, number)
        return person

    # --- households ---------------------------------------------------------------------
    def home(self, remaining: int) -> _Home:
        household = Household(number=f"{self.next_household:08d}")
        self.next_household += 1
        home = _Home(household)
        family = self.rng.choice(FAMILY_NAMES)
        address, postal = self.address()
        lo, hi = self.adult_age_band()
        head_sex = self.rng.choice([Sex.MALE, Sex.FEMALE])
        head_birth = self.birth_date(lo, hi)
        head = self.person(
            family=family,
            sex=head_sex,
            birth=head_birth,
            address=address,
            postal=postal,
            household=household,
            relationship="世帯主",
            head=True,
        )
        home.members.append(_Member(head))
        head_age = self.today.year - head_birth.year
        if remaining > 1 and head_age >= 24 and self.rng.random() < 0.55:
            spouse_age = max(20, min(95, head_age + self.rng.randint(-6, 6)))
            spouse = self.person(
                family=family,
                sex=Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE,
                birth=self.birth_date(spouse_age, spouse_age),
                address=address,
                postal=postal,
                household=household,
                relationship="妻" if head_sex == Sex.MALE else "夫",
                head=False,
            )
            home.members.append(_Member(spouse, spouse_of=0))
            if 26 <= head_age <= 70:
                for _ in range(self.rng.choice([0, 0, 1, 1, 2, 3])):
                    if len(home.members) >= remaining:
                        break
                    child_max = max(0, min(head_age - 20, 30))
                    child = self.person(
                        family=family,
                        sex=self.rng.choice([Sex.MALE, Sex.FEMALE]),
                        birth=self.birth_date(0, child_max),
                        address=address,
                        postal=postal,
                        household=household,
                        relationship="子",
                        head=False,
                    )
                    home.members.append(_Member(child))
        return home

    def generate(self, count: int) -> int:
        created = 0
        while created < count:
            homes = []
            chunk = 0
            while chunk < BATCH and created + chunk < count:
                home = self.home(count - created - chunk)
                homes.append(home)
                chunk += len(home.members)
            self._insert(homes)
            created += chunk
        return created

    @transaction.atomic
    def _insert(self, homes: list[_Home]) -> None:
        from django.db import connection

        if connection.vendor == "postgresql":
            self._copy(homes)
            return
        Household.objects.bulk_create([h.household for h in homes], batch_size=BATCH)
        for h in homes:
            for m in h.members:
                m.person.household = h.household
        firsts = [m.person for h in homes for m in h.members if m.spouse_of is None]
        Person.objects.bulk_create(firsts, batch_size=BATCH)
        seconds = []
        for h in homes:
            for m in h.members:
                if m.spouse_of is not None:
                    m.person.spouse = h.members[m.spouse_of].person
                    seconds.append(m.person)
        Person.objects.bulk_create(seconds, batch_size=BATCH)
        self._histories(homes)
        # Point each first spouse back at the second, in one statement per batch.
        first_ids = [p.spouse_id for p in seconds if p.spouse_id is not None]
        for i in range(0, len(first_ids), 500):
            Person.objects.filter(pk__in=first_ids[i : i + 500]).update(
                spouse=Subquery(Person.objects.filter(spouse=OuterRef("pk")).values("pk")[:1])
            )

    def _histories(self, homes: list[_Home]) -> None:
        if self.operator is None:
            return
        rows = []
        for h in homes:
            for m in h.members:
                rows.extend(history_for(self.rng, m.person, self.today, self.operator))
        bulk_copy(QualificationRecord, rows)

    def _copy(self, homes: list[_Home]) -> None:
        """PostgreSQL: COPY with ids taken first, so both spouses name each other in one load
        (the foreign key is checked at commit) — the same rows as the bulk_create path, made
        in the same order from the same random stream."""
        bulk_copy(Household, [h.household for h in homes])
        persons = []
        for h in homes:
            for m in h.members:
                m.person.household = h.household
                persons.append(m.person)
        allocate_ids(Person, persons)
        for h in homes:
            for m in h.members:
                if m.spouse_of is not None:
                    first = h.members[m.spouse_of].person
                    m.person.spouse = first
                    first.spouse = m.person
        bulk_copy(Person, persons)
        self._histories(homes)


# --- the parts seed_demo runs --------------------------------------------------------------


def seed_persons(run: DemoRun) -> None:
    """Persons, households and histories; then the entries and memos of the demo queues."""
    run.persons_created = PersonGenerator(seed=run.seed, today=run.today).generate(run.persons)
    if run.persons_created:
        run.pending += pending_work(run.today, run.staff)


def register_demo_parts() -> None:
    register_demo_part(
        DemoPart(
            code="qualifications.persons",
            order=100,
            seed=seed_persons,
            has_data=lambda: Person.objects.exists(),
        )
    )
    register_demo_part(
        DemoPart(
            code="qualifications.search_indexes", order=900, seed=lambda run: tidy_search_indexes()
        )
    )
