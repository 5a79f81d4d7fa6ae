"""Blocks that other apps add to the person page.

The register layer does not import the workflows or reporting: each of them registers a
`PersonPanel` from its `AppConfig.ready()`, and the person page renders the registered panels
in `order`. A panel's `context(person)` runs in the person page's selector, so its queries are
counted with the page's (a fixed number whatever the history).

A panel that reads rows of its own tables declares them as `sources`: name → the person's rows,
written with `OuterRef("pk")` for the person. The page asks all of them as EXISTS in the
person's own query (one statement for every panel), then calls `context(person, present)` with
the names that have rows: an empty panel costs no query of its own, a full one one per source.

    register_panel(PersonPanel("someapp.history", "…の履歴", 100,
                               "someapp/_history.html", context=history_context,
                               sources=lambda: {"rows": Row.objects.filter(person=OuterRef("pk"))}))
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
    # person -> the panel's own template variables; (person, present) -> … when sources is set
    context: Callable[..., dict]
    # name -> the person's rows (OuterRef("pk") is the person), asked as EXISTS with the person
    sources: Callable[[], dict[str, Any]] | None = None


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


def presence_annotations() -> dict[str, Any]:
    """EXISTS expressions for every registered panel's sources, to annotate the person's query
    with (qualifications.selectors.person_page); keys as `present_sources` reads them."""
    from django.db.models import Exists

    annotations = {}
    for panel in registered_panels():
        for name, rows in (panel.sources() if panel.sources else {}).items():
            annotations[_annotation(panel, name)] = Exists(rows)
    return annotations


def _annotation(panel: PersonPanel, name: str) -> str:
    return "panel__" + panel.code.replace(".", "__") + "__" + name


def panels_for(person) -> list[PanelView]:
    """Every registered panel with its data for `person`, in order. A panel with sources gets
    the names of those with rows, from the person's annotations when the person was read with
    `presence_annotations()` (otherwise each is asked here)."""
    views = []
    for panel in registered_panels():
        if panel.sources is None:
            views.append(PanelView(panel, panel.context(person)))
            continue
        present = frozenset(
            name
            for name, rows in panel.sources().items()
            if _present(person, _annotation(panel, name), rows)
        )
        views.append(PanelView(panel, panel.context(person, present)))
    return views


def _present(person, annotation: str, rows) -> bool:
    if hasattr(person, annotation):
        return bool(getattr(person, annotation))
    from django.db.models import Exists

    return type(person).objects.filter(Exists(rows), pk=person.pk).exists()
