"""The parts of seed_demo, one or more per app, run in order.

The platform does not import the apps above it: each app registers its `DemoPart` from its
`AppConfig.ready()` (persons and histories from qualifications, incomes and 届書 from
exemptions, ...), and `seed_demo` makes the demo staff, then runs every registered part in
`order` with one shared `DemoRun` that carries the options and collects the counts.

    register_demo_part(DemoPart("someapp.records", 200, seed=seed_records))
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class DemoRun:
    """One run of seed_demo: what was asked, and what the parts made so far."""

    today: date
    seed: int  # the same seed gives the same data
    persons: int  # how many persons were asked for
    staff: dict[str, Any] = field(default_factory=dict)  # username -> the demo staff member
    persons_created: int = 0
    pending: int = 0  # entries put in the verification queues (or approved, waiting to report)


@dataclass(frozen=True)
class DemoPart:
    code: str  # "<app label>.<name>"
    order: int  # smaller first; a later part may use what an earlier one made
    seed: Callable[[DemoRun], None]
    # For --if-empty: whether this part's data is already there (then nothing is seeded).
    has_data: Callable[[], bool] | None = None


_PARTS: dict[str, DemoPart] = {}


def register_demo_part(part: DemoPart) -> DemoPart:
    """Add (or replace, by code) a part of seed_demo."""
    _PARTS[part.code] = part
    return part


def registered_parts() -> list[DemoPart]:
    return sorted(_PARTS.values(), key=lambda p: (p.order, p.code))


def has_demo_data() -> bool:
    return any(p.has_data() for p in registered_parts() if p.has_data is not None)


def run_parts(run: DemoRun) -> DemoRun:
    for part in registered_parts():
        part.seed(run)
    return run
