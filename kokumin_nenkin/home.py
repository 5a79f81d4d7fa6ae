"""Blocks that apps add to the home page.

The platform does not import the apps above it: each app registers a `HomeSummary` from its
`AppConfig.ready()`, and the home view reads the summaries shown to the user (`summaries_for`)
before rendering. The counts come from the app's selectors, called by the view, never from a
template tag; a summary whose reading must be audited is recorded by the view too.

    register_summary(HomeSummary("someapp.queue", "…", 100, "someapp/_home.html",
                                 shown_to=lambda user: ..., context=lambda user: {...}))
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HomeSummary:
    code: str  # "<app label>.<name>"
    title: str  # Japanese heading of the block
    order: int  # smaller first
    template_name: str  # included with `summary` (this) and `data` (what context returned)
    shown_to: Callable[[Any], bool]  # user -> whether the block is on their home page
    context: Callable[[Any], dict]  # user -> the block's data (counts from selectors)


@dataclass(frozen=True)
class SummaryView:
    summary: HomeSummary
    data: dict


_SUMMARIES: dict[str, HomeSummary] = {}


def register_summary(summary: HomeSummary) -> HomeSummary:
    """Add (or replace, by code) a block of the home page."""
    _SUMMARIES[summary.code] = summary
    return summary


def registered_summaries() -> list[HomeSummary]:
    return sorted(_SUMMARIES.values(), key=lambda s: (s.order, s.code))


def summaries_for(user) -> list[SummaryView]:
    """The blocks shown to `user`, in order, each with its data read now."""
    return [SummaryView(s, s.context(user)) for s in registered_summaries() if s.shown_to(user)]


def kept_for_home(key: str, compute: Callable[[], Any]) -> Any:
    """A home-page figure that is costly and changes slowly (the work lists' counts, the 届書
    whose JPS result has not come), kept HOME_WORK_LIST_SECONDS (60 by default) in the cache
    under `key` and the day; 0 reads it fresh every time. The lists themselves are always read
    fresh: only the figure on the home page may be up to that many seconds old."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    seconds = int(getattr(settings, "HOME_WORK_LIST_SECONDS", 60))
    if seconds <= 0:
        return compute()
    key = f"home:{key}:{timezone.localdate().isoformat()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
