"""The person page's block: this person's requests, and the link to take a new one in."""

from qualifications.panels import PersonPanel, register_panel

from .models import ResidentRequest


def requests_context(person, present: frozenset[str]) -> dict:
    """The newest 20 requests; no query when the person page's EXISTS found none."""
    if "requests" not in present:
        return {"requests": []}
    rows = list(
        ResidentRequest.objects.filter(person=person)
        .prefetch_related("corrections__entry")
        .order_by("-received_on", "-pk")[:20]
    )
    return {"requests": rows}


def requests_sources() -> dict:
    from django.db.models import OuterRef

    return {"requests": ResidentRequest.objects.filter(person=OuterRef("pk"))}


def register_panels() -> None:
    register_panel(
        PersonPanel(
            "resident_requests.requests",
            "本人からの請求（開示・訂正・利用停止）",
            500,
            "resident_requests/_panel.html",
            context=requests_context,
            sources=requests_sources,
        )
    )
