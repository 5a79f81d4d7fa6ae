"""Every write of the exemptions app, one module per concern:

| module | what it writes |
|---|---|
| `records` | a record's decision (`decision_transition`), the 最新フラグ, the creation event |
| `applications` | 申請免除・納付猶予・学生納付特例, their 取消 and the 継続申請 |
| `statutory` | 法定免除 (該当・消滅) and 産前産後免除 |
| `additional` | 付加保険料 (申出・辞退, the end when an exemption is approved) |
| `jps_results` | JPS's results (F2) on the records |
| `income_import` | 所得情報 (F4) |

A record is written only when a verified entry is approved (the entry kinds in `kinds.py`
call these), and then holds only what JPS decides about it. Each function runs in one
transaction with its audit event. The names below are the app's service interface.
"""

from .additional import (
    ENDS_ADDITIONAL_PREMIUM,
    additional_premium_apply,
    additional_premium_check,
    additional_premium_end_for_exemption,
    additional_premium_record_decision,
    additional_premium_withdraw,
    additional_premium_withdraw_check,
)
from .applications import (
    RENEWABLE_CLASSES,
    ApplicationCheck,
    RenewalRefused,
    check_decided_class,
    exemption_application_check,
    exemption_application_create,
    exemption_record_decision,
    exemption_revoke,
    exemption_revoke_check,
    renewal_check,
    renewal_entry_submit,
)
from .income_import import IncomeImportResult, income_import
from .jps_results import JpsResult, jps_result_apply, jps_result_check
from .records import TransitionRefused, decision_transition
from .statutory import (
    maternity_exemption_check,
    maternity_exemption_create,
    statutory_exemption_check,
    statutory_exemption_create,
    statutory_exemption_end,
    statutory_exemption_end_check,
)

__all__ = [
    "ENDS_ADDITIONAL_PREMIUM",
    "RENEWABLE_CLASSES",
    "ApplicationCheck",
    "IncomeImportResult",
    "JpsResult",
    "RenewalRefused",
    "TransitionRefused",
    "additional_premium_apply",
    "additional_premium_check",
    "additional_premium_end_for_exemption",
    "additional_premium_record_decision",
    "additional_premium_withdraw",
    "additional_premium_withdraw_check",
    "check_decided_class",
    "decision_transition",
    "exemption_application_check",
    "exemption_application_create",
    "exemption_record_decision",
    "exemption_revoke",
    "exemption_revoke_check",
    "income_import",
    "jps_result_apply",
    "jps_result_check",
    "maternity_exemption_check",
    "maternity_exemption_create",
    "renewal_check",
    "renewal_entry_submit",
    "statutory_exemption_check",
    "statutory_exemption_create",
    "statutory_exemption_end",
    "statutory_exemption_end_check",
]
