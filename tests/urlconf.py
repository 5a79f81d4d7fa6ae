"""The URL walk every page-level test shares: each pattern of the URL conf with its route, its
namespaced name and its view, and a concrete path to request it with.

One walker serves the access matrix, the page-text check, the bare-405 check, the header and
fuzz tests and the list of actions that must ask first.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from kokumin_nenkin.accounts.models import Role

# The demo user who plays each role in the walks (tests/conftest.py `cast`).
ROLE_CAST = {
    Role.COUNTER: "madoguchi",
    Role.SUPERVISOR: "kakunin",
    Role.REPORT_CLERK: "shintatsu",
    Role.AUDITOR: "kansa",
    Role.ADMIN: "kanri",
}


@dataclass(frozen=True)
class Url:
    route: str  # "persons/<int:pk>/"
    name: str | None  # "qualifications:person"; None for an unnamed pattern
    pattern: URLPattern

    @property
    def view(self):
        return self.pattern.callback

    @property
    def path(self) -> str:
        return sample_path(self.route)

    # (route, pattern) unpacking, as the walks were first written
    def __iter__(self):
        return iter((self.route, self.pattern))


def walk(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Url]:
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}{p.name}" if p.name else None
            yield Url(prefix + str(p.pattern), name, p)


def sample_path(route: str) -> str:
    """A concrete path for a route, with 1 for every converter."""
    path = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "1", route).lstrip("^").rstrip("$")
    return "/" + path.replace("\\", "")


ALL_PATTERNS = list(walk())
