"""This app's panel of the person page (registered from `JpsReportingConfig.ready()`)."""

from qualifications.panels import PersonPanel, register_panel

RETURNS_ORDER = 200  # after the exemption history (100)


def _returns_context(person, present: frozenset[str]) -> dict:
    from .selectors import returned_items_for

    return {"returned_items": returned_items_for(person) if "returned" in present else []}


def _returns_sources() -> dict:
    from django.db.models import OuterRef

    from .models import BatchItem

    returned = BatchItem.objects.filter(entry__person=OuterRef("pk"), jps_returned_on__isnull=False)
    return {"returned": returned}


def register_panels() -> None:
    register_panel(
        PersonPanel(
            code="jps_reporting.returns",
            title="日本年金機構から返戻された届書",
            order=RETURNS_ORDER,
            template_name="jps_reporting/_person_returns.html",
            context=_returns_context,
            sources=_returns_sources,
        )
    )
