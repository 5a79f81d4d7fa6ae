"""Reads for the exemption screens: the household, incomes, the pre-screening, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kokumin_nenkin.verification.models import OPEN_STATUSES, Entry
from qualifications.codes import Held
from qualifications.models import Person
from qualifications.selectors import latest_record

from .models import (
    HELD_DECISIONS,
    AdditionalPremium,
    DecisionStatus,
    ExemptionApplication,
    Income,
    IncomeRevision,
    MaternityExemption,
    StatutoryExemption,
)
from .periods import (
    POSTPONEMENT_AGE_LIMIT,
    exemption_year_period,
    income_year_for,
    month_age_reached,
)
from .rules import ExemptionClass, PersonIncome, Screening, ScreeningInput, screen


@dataclass(frozen=True)
class HouseholdMember:
    role: str  # 本人 / 配偶者 / 世帯主
    person: Person
    income: Income | None


@dataclass(frozen=True)
class HouseholdView:
    applicant: HouseholdMember
    spouse: HouseholdMember | None
    householder: HouseholdMember | None  # None when the applicant is the householder
    income_year: int

    @property
    def members(self) -> list[HouseholdMember]:
        return [m for m in (self.applicant, self.spouse, self.householder) if m is not None]


def spouse_of(person: Person) -> Person | None:
    if person.spouse_id:
        return person.spouse
    return Person.objects.filter(spouse=person).first()


def householder_of(person: Person) -> Person | None:
    """The member of the person's 世帯 marked 世帯主 (the person themself when they are)."""
    if person.is_householder or person.household_id is None:
        return person if person.is_householder else None
    return (
        Person.objects.filter(household_id=person.household_id, is_householder=True)
        .order_by("id")
        .first()
    )


def household_for(person: Person, income_year: int) -> HouseholdView:
    spouse = spouse_of(person)
    householder = householder_of(person)
    if householder is not None and householder.pk in (person.pk, getattr(spouse, "pk", None)):
        householder = None  # tested once, in its own role
    people = [p for p in (person, spouse, householder) if p is not None]
    incomes = {i.person_id: i for i in Income.objects.filter(person__in=people, year=income_year)}

    def member(role: str, p: Person | None) -> HouseholdMember | None:
        return None if p is None else HouseholdMember(role, p, incomes.get(p.pk))

    applicant = member("本人", person)
    assert applicant is not None
    return HouseholdView(
        applicant, member("配偶者", spouse), member("世帯主", householder), income_year
    )


@dataclass(frozen=True)
class IncomeHistoryRow:
    role: str
    revision: IncomeRevision


def income_history(household: HouseholdView) -> list[IncomeHistoryRow]:
    """The values an F4 import replaced for the household's members in the income year,
    newest first per member (one query; none when no member has a history)."""
    roles = {m.person.pk: m.role for m in household.members}
    revisions = IncomeRevision.objects.filter(
        person_id__in=roles, year=household.income_year
    ).order_by("-superseded_at", "-id")
    order = list(roles)
    rows = [IncomeHistoryRow(roles[r.person_id], r) for r in revisions]
    return sorted(rows, key=lambda row: order.index(row.revision.person_id))


def _tested(member: HouseholdMember | None, excluded_reason: str = "") -> PersonIncome | None:
    if member is None:
        return None
    income = member.income
    if income is None:
        return PersonIncome(member.role, None, excluded_reason=excluded_reason)
    return PersonIncome(
        member.role,
        income.total_income,
        income.dependents,
        income.dependent_deduction,
        income.social_insurance_deduction,
        special_status=income.special_status,
        excluded_reason=excluded_reason,
    )


def screening_for(
    household: HouseholdView,
    *,
    first_month: date,
    student: bool = False,
    special_reason: str = "",
) -> Screening:
    """The pre-screening of the household's stored incomes for a period starting first_month.

    A 失業・天災 special reason excludes the applicant's own income [GK: applicant only]."""
    under_50 = month_age_reached(household.applicant.person.birth_date, POSTPONEMENT_AGE_LIMIT)
    applicant = _tested(household.applicant, special_reason)
    assert applicant is not None
    return screen(
        ScreeningInput(
            first_month=first_month,
            applicant=applicant,
            spouse=_tested(household.spouse),
            householder=_tested(household.householder),
            student=student,
            under_50=first_month < under_50,
        )
    )


def active_exemption_classes(person: Person, month: date) -> set[ExemptionClass]:
    """The exemptions held (or asked for and not refused) in a month, for the 付加 conflict."""
    classes: set[ExemptionClass] = set()
    for a in person_records(person, "applications"):
        if a.decision == DecisionStatus.APPROVED:  # the period JPS approved
            held = (
                a.approved_start is not None
                and a.approved_end is not None
                and a.approved_start <= month <= a.approved_end
            )
        else:  # asked for, not yet decided: the period asked for
            held = a.decision in HELD_DECISIONS and a.start_month <= month <= a.end_month
        if held:
            classes.add(ExemptionClass(a.exemption_class))
    if any(
        s.decision in HELD_DECISIONS
        and s.start_month <= month
        and (s.end_month is None or s.end_month >= month)
        for s in person_records(person, "statutory")
    ):
        classes.add(ExemptionClass.STATUTORY)
    if any(
        m.decision in HELD_DECISIONS and m.start_month <= month <= m.end_month
        for m in person_records(person, "maternity")
    ):
        classes.add(ExemptionClass.MATERNITY)
    return classes


HISTORY_MODELS = (
    ("applications", ExemptionApplication),
    ("statutory", StatutoryExemption),
    ("maternity", MaternityExemption),
    ("additional", AdditionalPremium),
)
_HISTORY_ORDER = {
    "applications": ("-start_month", "-id"),
    "statutory": ("-start_month", "-id"),
    "maternity": ("-start_month", "-id"),
    "additional": ("-applies_on", "-id"),
}


# The person page's panel reads every exemption and 付加 record of the person once
# (`exemption_history`) and keeps them on the person object, so the 届書 it offers are checked
# (each kind's `precheck`, issue 14) without asking again (issue 16). Only that read-only page
# keeps them; everywhere else `person_records` queries.
RECORDS_SNAPSHOT = "_exemption_records"


def exemption_history(person: Person, present: frozenset[str] | None = None) -> dict[str, list]:
    """Every exemption and 付加 record of a person, newest first, for the person page's panel
    (`exemptions.panels`). The 届書 JPS sent back are jps_reporting's own panel. `present`: the
    kinds known to have rows (the page asked first); the others are not queried. The rows are
    kept on `person` for the rules the page's offers run (`person_records`)."""
    history = {
        name: list(model.objects.filter(person=person).order_by(*_HISTORY_ORDER[name]))
        if present is None or name in present
        else []
        for name, model in HISTORY_MODELS
    }
    setattr(person, RECORDS_SNAPSHOT, history)
    return history


def person_records(person: Person, name: str) -> list:
    """The person's records of one kind ("applications", "statutory", "maternity",
    "additional"), newest first: from the person page's snapshot when there is one, otherwise
    read now. The rules filter these in Python, one way whichever the source."""
    remembered = getattr(person, RECORDS_SNAPSHOT, None)
    if remembered is not None:
        return remembered[name]
    model = dict(HISTORY_MODELS)[name]
    return list(model.objects.filter(person=person).order_by(*_HISTORY_ORDER[name]))


def current_category(person: Person) -> str:
    """The 被保険者種別 code of the person's current qualification (latest row of the
    qualification history), or "" when the person holds no qualification now."""
    latest = latest_record(person)
    if latest is None or latest.held != Held.HELD:
        return ""
    return latest.category


def open_statutory_exemption(person: Person) -> StatutoryExemption | None:
    """The 法定免除 on file without its 消滅 (at most one: a 該当届 is refused while one is)."""
    return next(
        (
            s
            for s in person_records(person, "statutory")  # newest first
            if s.decision in HELD_DECISIONS and s.ended_on is None
        ),
        None,
    )


def current_additional_premium(person: Person) -> AdditionalPremium | None:
    """The 付加 申出 in force (or asked for) and not yet 辞退."""
    return next(
        (
            a
            for a in person_records(person, "additional")  # newest first
            if a.decision in HELD_DECISIONS and a.ceased_on is None
        ),
        None,
    )


def revocable_applications(person: Person) -> list[ExemptionApplication]:
    """Approved applications a 取消申請 can name, newest first."""
    found = [
        a
        for a in person_records(person, "applications")
        if a.decision == DecisionStatus.APPROVED and a.approved_start is not None
    ]
    return sorted(found, key=lambda a: (a.approved_start, a.pk), reverse=True)


@dataclass(frozen=True)
class RenewalCandidate:
    """A person approved last 免除年度 with 継続 asked for, and the new year's pre-screening."""

    previous: ExemptionApplication
    screening: Screening
    allowed: bool | None  # the class passes on the new year's income (None: no income data)
    pending: bool  # a 継続申請 is already waiting for verification


def renewal_candidates(year: int) -> list[RenewalCandidate]:
    """The 継続申請 work list for 免除年度 `year` (DOMAIN_RULES §2: 全額免除 and 納付猶予):
    approved for `year - 1` with 継続 requested, and no application for `year` yet."""
    period = exemption_year_period(year)
    previous = (
        ExemptionApplication.objects.filter(
            decision=DecisionStatus.APPROVED,
            continuing=True,
            period_year=year - 1,
            exemption_class__in=(ExemptionClass.FULL, ExemptionClass.POSTPONEMENT),
        )
        .exclude(
            person__in=ExemptionApplication.objects.filter(
                decision__in=HELD_DECISIONS,
                start_month__lte=period.end,
                end_month__gte=period.start,
            ).values("person")
        )
        .select_related("person")
        .order_by("person__family_name_kana", "person__given_name_kana", "id")
    )
    waiting = set(
        Entry.objects.filter(kind="exemptions.renewal", status__in=OPEN_STATUSES).values_list(
            "person_id", flat=True
        )
    )
    out = []
    for app in previous:
        cls = ExemptionClass(app.exemption_class)
        household = household_for(app.person, income_year_for(cls, year))
        screening = screening_for(household, first_month=period.start)
        out.append(
            RenewalCandidate(
                previous=app,
                screening=screening,
                allowed=screening.result(cls).allowed,
                pending=app.person_id in waiting,
            )
        )
    return out
