"""Reads for the claim screens: which claims the city takes, the household and its incomes,
the months this system holds, the person's claims and the claims with attachments due.

The incomes (地方税関係情報, F4) and the approved exemptions are the exemptions app's records:
this module is the one place benefits reads them (read only; both apps are workflows of the
same layer). Everything else comes from the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from exemptions.models import DecisionStatus as ExemptionDecision
from exemptions.models import ExemptionApplication, Income, StatutoryExemption
from kokumin_nenkin.verification.models import Entry, Status
from qualifications.codes import Held
from qualifications.models import Person, QualificationRecord
from qualifications.rules import age_reached_on
from qualifications.selectors import categories_by_month

from .models import LIVE_DECISIONS, BenefitClaim
from .rules import FIRST_CATEGORY_CODES, ClaimKind, add_months, month_of
from .support_rules import HouseholdIncome

CLAIM_KIND_PREFIX = "benefits."


def categories_held(person: Person) -> set[str]:
    """Every 被保険者種別 the person's qualification history holds (corrected rows left out)."""
    return set(
        QualificationRecord.objects.filter(person=person, corrected=False, held=Held.HELD)
        .exclude(category="")
        .values_list("category", flat=True)
    )


def category_on(person: Person, day: date) -> str:
    month = month_of(day)
    return categories_by_month(person, month, month)[month]


def last_category(person: Person) -> str:
    """The last 被保険者種別 held, for the F1 line (the claimant is often no longer insured)."""
    row = (
        QualificationRecord.objects.filter(person=person, corrected=False)
        .exclude(category="")
        .order_by("-id")
        .first()
    )
    return row.category if row is not None else "1"


@dataclass(frozen=True)
class HeldMonths:
    """What this system holds, shown beside the months typed from JPS's printout."""

    first_months: int  # months of 第1号 / 任意加入 from 20 to 60 (or today)
    exempt_months: int  # months of approved exemptions (申請免除・学特・猶予, 法定免除)


def held_months(person: Person, today: date) -> HeldMonths:
    first = month_of(age_reached_on(person.birth_date, 20))
    last = min(month_of(age_reached_on(person.birth_date, 60)), month_of(today))
    if last < first:
        return HeldMonths(0, 0)
    by_month = categories_by_month(person, first, add_months(last, -1))
    insured = sum(1 for c in by_month.values() if c in FIRST_CATEGORY_CODES)
    exempt: set[date] = set()
    for start, end in ExemptionApplication.objects.filter(
        person=person, decision=ExemptionDecision.APPROVED, approved_start__isnull=False
    ).values_list("approved_start", "approved_end"):
        m = start
        while m <= end:
            exempt.add(m)
            m = add_months(m, 1)
    for start, end in StatutoryExemption.objects.filter(
        person=person, decision=ExemptionDecision.APPROVED
    ).values_list("start_month", "end_month"):
        m, stop = start, min(end or last, last)
        while m <= stop:
            exempt.add(m)
            m = add_months(m, 1)
    return HeldMonths(insured, len(exempt))


@dataclass(frozen=True)
class Member:
    role: str  # 本人 / 配偶者 / 世帯主 / 世帯員
    person: Person
    income: Income | None


@dataclass(frozen=True)
class Household:
    members: tuple[Member, ...]  # the claimant first
    income_year: int

    @property
    def incomes(self) -> tuple[HouseholdIncome, ...]:
        return tuple(
            HouseholdIncome(
                m.role,
                m.income.total_income if m.income else None,
                m.income.dependents if m.income else 0,
            )
            for m in self.members
        )


def household_of(person: Person, income_year: int) -> Household:
    """The claimant, their spouse and everyone of their 世帯, with the incomes of a year:
    three queries whatever the size of the household."""
    others = list(
        Person.objects.filter(
            Q(household_id=person.household_id) if person.household_id else Q(pk__in=[])
        )
        .exclude(pk=person.pk)
        .order_by("-is_householder", "birth_date", "id")
    )
    spouse_id = person.spouse_id
    if spouse_id is None:
        spouse_id = Person.objects.filter(spouse=person).values_list("pk", flat=True).first()
    if spouse_id is not None and all(o.pk != spouse_id for o in others):
        others.insert(0, Person.objects.get(pk=spouse_id))
    people = [person, *others]
    incomes = {i.person_id: i for i in Income.objects.filter(person__in=people, year=income_year)}

    def role(p: Person) -> str:
        if p.pk == person.pk:
            return "本人"
        if p.pk == spouse_id:
            return "配偶者"
        return "世帯主" if p.is_householder else "世帯員"

    return Household(tuple(Member(role(p), p, incomes.get(p.pk)) for p in people), income_year)


def claimant_choices(person: Person) -> list[tuple[int, str]]:
    """Who may be the claimant: the person, their spouse and their household (register only)."""
    household = household_of(person, 0)
    return [(m.person.pk, f"{m.person.full_name}（{m.role}）") for m in household.members]


def other_claims_for_death(person: Person, *, exclude_receipt: str = "") -> tuple[str, ...]:
    """The kinds of live claims (and waiting entries) resting on the same deceased person."""
    kinds = set(
        BenefitClaim.objects.filter(person=person, decision__in=LIVE_DECISIONS)
        .exclude(receipt_number=exclude_receipt)
        .values_list("kind", flat=True)
    )
    waiting = Entry.objects.filter(
        person=person,
        kind__startswith=CLAIM_KIND_PREFIX,
        status__in=(Status.PENDING, Status.RETURNED),
    ).exclude(receipt_number=exclude_receipt)
    kinds |= {e.form_code for e in waiting}
    return tuple(sorted(k for k in kinds if k in (ClaimKind.SURVIVORS, ClaimKind.WIDOW)))


def claims_of(person: Person) -> QuerySet[BenefitClaim]:
    """The person's claims: on their own record, and those they made on a deceased's record."""
    return (
        BenefitClaim.objects.filter(Q(person=person) | Q(claimant=person))
        .select_related("person", "claimant")
        .order_by("-claimed_on", "-id")
    )


def claim_entries(person: Person) -> QuerySet[Entry]:
    """The claim entries on the person's record, newest first (for the receipt links)."""
    return Entry.objects.filter(person=person, kind__startswith=CLAIM_KIND_PREFIX).order_by(
        "-created_at", "-id"
    )
