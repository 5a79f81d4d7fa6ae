"""The entry kinds of the exemptions app, registered with the one verification mechanism.

A 届書 taken in at the counter becomes a pending entry with its 受付番号. Only when a second
person has re-keyed its key fields from the paper and approved it does the kind check its
rules once more against the record as it is then and write the record, which waits 審査中
for JPS's decision. The entry alone carries the office's steps (確認待ち → 承認済 → 進達済)
and its report line, computed from its own payload and the record it wrote.

| kind | 届書種類 | re-keyed blind | on approval |
|---|---|---|---|
| 保険料免除・納付猶予申請書 | 11 | 申請する区分, 始期 | `exemption_application_create` |
| 学生納付特例申請書 | 12 | 始期, 終期 | `exemption_application_create` (学特) |
| 継続申請 | 11 | 区分 | `exemption_application_create` with its 継続元 |
| 免除事由該当届（法定免除） | 13 | 免除理由, 該当年月日 | `statutory_exemption_create` |
| 免除事由消滅届（法定免除） | 14 | 消滅年月日 | `statutory_exemption_end` on the open 法定免除 |
| 産前産後期間の免除届 | 15 | 出産の予定日, 単胎・多胎 | `maternity_exemption_create` |
| 免除等取消申請書 | 16 | 取消期間 | `exemption_revoke` (承認 → 取消) |
| 付加保険料納付申出書 | 21 | 申出年月日 | `additional_premium_apply` |
| 付加保険料納付辞退申出書 | 22 | 辞退申出年月日 | `additional_premium_withdraw` |

The 被保険者種別 is never typed: it is read from the qualification history for the months
concerned. A kind's payload is its form: `values()` gives the services typed values.
"""

from kokumin_nenkin.verification.registry import register

from .additional import AdditionalPremiumKind, AdditionalPremiumWithdrawalKind
from .applications import ApplicationKind, RenewalKind, RevocationKind, StudentKind
from .base import ExemptionKind, category_in_month
from .statutory import MaternityKind, StatutoryEndKind, StatutoryKind

APPLICATION = ApplicationKind()
RENEWAL = RenewalKind()
STUDENT = StudentKind()
STATUTORY = StatutoryKind()
STATUTORY_END = StatutoryEndKind()
MATERNITY = MaternityKind()
REVOCATION = RevocationKind()
ADDITIONAL = AdditionalPremiumKind()
ADDITIONAL_WITHDRAWAL = AdditionalPremiumWithdrawalKind()

ALL = (
    APPLICATION,
    RENEWAL,
    STUDENT,
    STATUTORY,
    STATUTORY_END,
    MATERNITY,
    REVOCATION,
    ADDITIONAL,
    ADDITIONAL_WITHDRAWAL,
)


def register_all() -> None:
    for kind in ALL:
        register(kind)


__all__ = [
    "ADDITIONAL",
    "ADDITIONAL_WITHDRAWAL",
    "ALL",
    "APPLICATION",
    "MATERNITY",
    "RENEWAL",
    "REVOCATION",
    "STATUTORY",
    "STATUTORY_END",
    "STUDENT",
    "ExemptionKind",
    "category_in_month",
    "register_all",
]
