"""This app's panel of the person page (registered from `ExemptionsConfig.ready()`)."""

from qualifications.panels import PersonPanel, register_panel

HISTORY_ORDER = 100


def _history_context(person, present: frozenset[str]) -> dict:
    from .selectors import exemption_history

    return {"history": exemption_history(person, present)}


def _history_sources() -> dict:
    from django.db.models import OuterRef

    from .selectors import HISTORY_MODELS

    return {name: model.objects.filter(person=OuterRef("pk")) for name, model in HISTORY_MODELS}


def register_panels() -> None:
    register_panel(
        PersonPanel(
            code="exemptions.history",
            title="免除・付加の履歴",
            order=HISTORY_ORDER,
            template_name="exemptions/_history.html",
            context=_history_context,
            sources=_history_sources,
        )
    )
