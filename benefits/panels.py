"""This app's panel of the person page (registered from `BenefitsConfig.ready()`)."""

from qualifications.panels import PersonPanel, register_panel

CLAIMS_ORDER = 150


def _claims_context(person, present: frozenset[str]) -> dict:
    from .selectors import claims_of

    return {"claims": list(claims_of(person)) if "claims" in present else []}


def _claims_sources() -> dict:
    from django.db.models import OuterRef, Q

    from .models import BenefitClaim

    mine = Q(person=OuterRef("pk")) | Q(claimant=OuterRef("pk"))
    return {"claims": BenefitClaim.objects.filter(mine)}


def register_panels() -> None:
    register_panel(
        PersonPanel(
            code="benefits.claims",
            title="裁定請求",
            order=CLAIMS_ORDER,
            template_name="benefits/_claims.html",
            context=_claims_context,
            sources=_claims_sources,
        )
    )
