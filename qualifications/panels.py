"""Blocks that other apps add to the person page.

The register layer does not import the workflows or reporting: each of them registers a
`PersonPanel` from its `AppConfig.ready()`, and the person page renders the registered panels
in `order`. A panel's `context(person)` runs in the person page's selector, so its queries are
counted with the page's (a fixed number whatever the history).

    register_panel(PersonPanel("someapp.history", "…の履歴", 100,
                               "someapp/_history.html", context=history_context))
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonPanel:
    code: str  # stable identifier, "<app label>.<name>"
    title: str  # Japanese heading
    order: int  # smaller first
    template_name: str  # rendered with the page's context plus `panel` and `context(person)`
    context: Callable[[Any], dict]  # person -> the panel's own template variables


@dataclass(frozen=True)
class PanelView:
    """A panel with its data for one person, as the template receives it."""

    panel: PersonPanel
    context: dict


_PANELS: dict[str, PersonPanel] = {}


def register_panel(panel: PersonPanel) -> PersonPanel:
    """Add (or replace, by code) a panel of the person page."""
    _PANELS[panel.code] = panel
    return panel


def registered_panels() -> list[PersonPanel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.code))


def panels_for(person) -> list[PanelView]:
    """Every registered panel with its data for `person`, in order."""
    return [PanelView(p, p.context(person)) for p in registered_panels()]
