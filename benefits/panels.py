"""This app's panel of the person page (registered from `BenefitsConfig.ready()`)."""

from qualifications.panels import PersonPanel, register_panel

CLAIMS_ORDER = 150


def _claims_context(person) -> dict:
    from .selectors import claims_of

    return {"claims": list(claims_of(person))}


def register_panels() -> None:
    register_panel(
        PersonPanel(
            code="benefits.claims",
            title="裁定請求",
            order=CLAIMS_ORDER,
            template_name="benefits/_claims.html",
            context=_claims_context,
        )
    )
