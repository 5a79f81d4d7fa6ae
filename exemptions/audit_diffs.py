"""The records of this app whose every change leaves a field diff (django-auditlog), chained
like every audit row (`audit.diffs`)."""

from audit import diffs

from .models import AdditionalPremium, ExemptionApplication, MaternityExemption, StatutoryExemption


def register_diffs() -> None:
    diffs.register(ExemptionApplication, exclude_fields=["created_at", "updated_at"])
    diffs.register(StatutoryExemption, exclude_fields=["created_at", "updated_at"])
    diffs.register(MaternityExemption, exclude_fields=["created_at", "updated_at"])
    diffs.register(AdditionalPremium, exclude_fields=["created_at", "updated_at"])
