"""seed_demo's generator: deterministic for a seed, bulk inserts so 100,000 persons are quick.

Ages are spread so every workflow has examples: people about to turn 20 (acquisition), just
past 60 (loss), 65 (benefit claims), students, couples with a dependent spouse, some moved
out and some deceased.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django_otp.plugins.otp_totp.models import TOTPDevice

from kokumin_nenkin.accounts.models import Office, Role, Staff
from kokumin_nenkin.accounts.totp import demo_key_for
from qualifications.models import Household, Person, QualificationRecord, ResidenceStatus, Sex

from . import qualifications as demo_qualifications
from .names import FAMILY_NAMES, FEMALE_GIVEN, KANJI_NUMBERS, MALE_GIVEN, TOWNS

DEMO_PASSWORD = "Nenkin-Demo-2026!"  # noqa: S105 — the documented demo password

# username, 氏名, role, office code
DEMO_STAFF = [
    ("madoguchi", "窓口 一郎", Role.COUNTER, "honcho"),
    ("oosato", "大里 花子", Role.COUNTER, "oosato"),
    ("kakunin", "確認 次郎", Role.SUPERVISOR, "honcho"),
    ("shintatsu", "進達 三郎", Role.REPORT_CLERK, "honcho"),
    ("kansa", "監査 幸子", Role.AUDITOR, "honcho"),
    ("kanri", "管理 四郎", Role.ADMIN, "honcho"),
]

BATCH = 2000


def create_demo_staff() -> list[Staff]:
    offices = {o.code: o for o in Office.objects.all()}
    staff = []
    for username, full_name, role, office_code in DEMO_STAFF:
        user, _ = Staff.objects.update_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "role": role,
                "office": offices[office_code],
                "is_active": True,
                "must_change_password": False,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        TOTPDevice.objects.update_or_create(
            user=user,
            name="デモ用認証アプリ",
            defaults={"key": demo_key_for(username), "confirmed": True},
        )
        staff.append(user)
    return staff


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
        self.rng = random.Random(seed)
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
        demo_qualifications.fill_identifiers(self.rng, person, self.today, number)
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
        if self.operator is not None:
            rows = []
            for h in homes:
                for m in h.members:
                    rows.extend(
                        demo_qualifications.history_for(
                            self.rng, m.person, self.today, self.operator
                        )
                    )
            QualificationRecord.objects.bulk_create(rows, batch_size=BATCH)
        # Point each first spouse back at the second, in one statement per batch.
        first_ids = [p.spouse_id for p in seconds if p.spouse_id is not None]
        for i in range(0, len(first_ids), 500):
            Person.objects.filter(pk__in=first_ids[i : i + 500]).update(
                spouse=Subquery(Person.objects.filter(spouse=OuterRef("pk")).values("pk")[:1])
            )
