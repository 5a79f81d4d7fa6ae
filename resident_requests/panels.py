"""The person page's block: this person's requests, and the link to take a new one in."""

from qualifications.panels import PersonPanel, register_panel

from .models import ResidentRequest


def requests_context(person) -> dict:
    rows = list(
        ResidentRequest.objects.filter(person=person)
        .prefetch_related("corrections__entry")
        .order_by("-received_on", "-pk")[:20]
    )
    return {"requests": rows}


def register_panels() -> None:
    register_panel(
        PersonPanel(
            "resident_requests.requests",
            "本人からの請求（開示・訂正・利用停止）",
            500,
            "resident_requests/_panel.html",
            context=requests_context,
        )
    )
