"""The records of this app whose every change leaves a field diff (django-auditlog), chained
like every audit row (`audit.diffs`)."""

from audit import diffs

from .models import BenefitClaim


def register_diffs() -> None:
    diffs.register(BenefitClaim, exclude_fields=["created_at", "updated_at"])
