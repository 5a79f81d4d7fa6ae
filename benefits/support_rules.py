"""The rules of the 年金生活者支援給付金 (DOMAIN_RULES.md §4): the kind from the pension
received and the income test on the household's tax status, thresholds reset each October.
Shared pieces are in `rules.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kokumin_nenkin import wareki
from qualifications.rules import age_on

from .rules import (
    ABOVE_THE_FORM,
    Assessment,
    PensionReceived,
    RuleRefused,
    SupportKind,
    _pick,
    show_month,
    yen,
)


# --- 年金生活者支援給付金 ------------------------------------------------------------------------
@dataclass(frozen=True)
class SupportTable:
    """Thresholds in force from one October to the next September [GK figures]."""

    effective_from: date  # an October 1st
    old_age_limit: int  # 公的年金等の収入額 + その他の所得 ≤ this: 老齢
    supplementary_limit: int  # ≤ this: 補足的老齢
    disability_survivors_limit: int  # 前年所得 ≤ this (+ per_dependent × N)
    per_dependent: int
    # 住民税非課税 [GK]: 合計所得 ≤ exempt_single (no dependents), or
    # ≤ exempt_per_person × (N + 1) + exempt_constant (with dependents)
    exempt_single: int
    exempt_per_person: int
    exempt_constant: int


SUPPORT_TABLES: tuple[SupportTable, ...] = (
    SupportTable(
        date(2023, 10, 1), 778_900, 878_900, 4_721_000, 380_000, 450_000, 350_000, 310_000
    ),
    SupportTable(
        date(2024, 10, 1), 809_000, 889_300, 4_721_000, 380_000, 450_000, 350_000, 310_000
    ),
    SupportTable(
        date(2025, 10, 1), 809_000, 889_300, 4_794_000, 380_000, 450_000, 350_000, 310_000
    ),
)
SUPPORT_OLD_AGE_FROM = 65


def support_income_year(claimed_on: date) -> int:
    """Claims from October Y to September Y+1 are judged on the income of year Y−1 [GK]."""
    return claimed_on.year - 1 if claimed_on.month >= 10 else claimed_on.year - 2


def support_claim_year(claimed_on: date) -> int:
    """請求年度 (item 55): the 年度 (April–March) of the claim date."""
    return wareki.fiscal_year(claimed_on)


@dataclass(frozen=True)
class HouseholdIncome:
    role: str  # 本人 / 配偶者 / 世帯主 / 世帯員
    income: int | None
    dependents: int = 0


def tax_exempt(member: HouseholdIncome, table: SupportTable) -> tuple[bool | None, str]:
    if member.income is None:
        return None, f"{member.role}: 所得情報がありません（住民税の課税状況は要確認）"
    if member.dependents:
        limit = table.exempt_per_person * (member.dependents + 1) + table.exempt_constant
        formula = (
            f"({member.dependents}＋1)×{yen(table.exempt_per_person)}＋"
            f"{yen(table.exempt_constant)}＝{yen(limit)}"
        )
    else:
        limit, formula = table.exempt_single, yen(table.exempt_single)
    ok = member.income <= limit
    mark = "≦" if ok else "＞"
    verdict = "非課税相当" if ok else "課税相当"
    return ok, f"{member.role}: 所得{yen(member.income)} {mark} {formula} → {verdict}"


def support_assessment(
    *,
    birth: date,
    claimed_on: date,
    pension_received: str,
    pension_receipts: int,
    pension_misc_income: int,
    household: tuple[HouseholdIncome, ...],
) -> Assessment:
    """年金生活者支援給付金: the kind from the pension received; the income test from the
    incomes the city holds (F4) and the household's tax status (老齢: everyone 非課税).
    `household[0]` is the claimant. Thresholds reset each October."""
    table = _pick(SUPPORT_TABLES, claimed_on)
    claimant = household[0]
    year = support_income_year(claimed_on)
    lines = [
        f"判定に使う所得: {year}年（{show_month(table.effective_from)}からの基準）",
    ]
    received = PensionReceived(pension_received)
    if claimant.income is None:
        raise RuleRefused(
            f"請求者の{year}年の所得情報がありません。所得の確認ができるまで受け付けられません。",
            field=ABOVE_THE_FORM,
        )
    if received in (PensionReceived.DISABILITY, PensionReceived.SURVIVORS):
        limit = table.disability_survivors_limit + table.per_dependent * claimant.dependents
        kind = (
            SupportKind.DISABILITY
            if received == PensionReceived.DISABILITY
            else SupportKind.SURVIVORS
        )
        formula = (
            f"{yen(table.disability_survivors_limit)}＋{claimant.dependents}×"
            f"{yen(table.per_dependent)}＝{yen(limit)}"
        )
        if claimant.income > limit:
            raise RuleRefused(
                f"前年所得 {yen(claimant.income)} ＞ {formula}（{kind.label}の所得基準）。",
                field="pension_received",
            )
        lines.append(f"前年所得 {yen(claimant.income)} ≦ {formula} → {kind.label}")
        return Assessment(True, tuple(lines), support_kind=kind)
    age = age_on(birth, claimed_on)
    if age < SUPPORT_OLD_AGE_FROM:
        raise RuleRefused(
            f"請求日に{age}歳です（老齢年金生活者支援給付金は{SUPPORT_OLD_AGE_FROM}歳以上）。",
            field="claimed_on",
        )
    statuses = [tax_exempt(m, table) for m in household]
    lines += [line for _, line in statuses]
    if any(ok is False for ok, _ in statuses):
        raise RuleRefused(
            "世帯に住民税が課税される方がいます（老齢年金生活者支援給付金は世帯全員が"
            "市町村民税非課税）。",
            field=ABOVE_THE_FORM,
        )
    if any(ok is None for ok, _ in statuses):
        lines.append("世帯の課税状況: 所得情報のない方がいます（要確認）")
    other = max(claimant.income - pension_misc_income, 0)
    total = pension_receipts + other
    formula = (
        f"公的年金等の収入額{yen(pension_receipts)}＋その他の所得"
        f"（{yen(claimant.income)}−公的年金等に係る雑所得{yen(pension_misc_income)}）"
        f"＝{yen(total)}"
    )
    if total <= table.old_age_limit:
        lines.append(f"{formula} ≦ {yen(table.old_age_limit)} → 老齢年金生活者支援給付金")
        return Assessment(True, tuple(lines), support_kind=SupportKind.OLD_AGE)
    if total <= table.supplementary_limit:
        lines.append(
            f"{formula} ≦ {yen(table.supplementary_limit)} → 補足的老齢年金生活者支援給付金"
        )
        return Assessment(True, tuple(lines), support_kind=SupportKind.SUPPLEMENTARY)
    raise RuleRefused(
        f"{formula} ＞ {yen(table.supplementary_limit)}（年金生活者支援給付金の所得基準）。",
        field="pension_receipts",
    )
