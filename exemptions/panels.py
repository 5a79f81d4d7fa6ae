"""This app's panel of the person page (registered from `ExemptionsConfig.ready()`)."""

from qualifications.panels import PersonPanel, register_panel

HISTORY_ORDER = 100


def _history_context(person, present: frozenset[str]) -> dict:
    from kokumin_nenkin.verification.selectors import offers

    from .kinds import ALL, APPLICATION, RENEWAL
    from .selectors import exemption_history

    # the records first: the offers' rules read them from the person (no query of their own)
    history = exemption_history(person, present)
    # 継続申請 comes from the renewal work list, not from the person page
    shown = offers([k for k in ALL if k is not RENEWAL], person)
    return {
        "history": history,
        "offers": shown,
        # the application form is printed only when an application could be taken in
        "application_refusal": next(o["refusal"] for o in shown if o["kind"] is APPLICATION),
    }


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
