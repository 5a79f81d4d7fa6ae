"""The layers of docs/architecture.md: a lower layer imports no higher one (it offers a
registry instead), and audit, beside all of them, imports no business app."""

import ast
from pathlib import Path

import pytest

from kokumin_nenkin.demo.parts import registered_parts

ROOT = Path(__file__).resolve().parents[2]

# folder -> the top-level packages it must never import (at module level or inside a function)
# resident_requests is the top layer (the disclosure package and the purge reach every record).
FORBIDDEN = {
    "qualifications": {"exemptions", "benefits", "jps_reporting", "resident_requests"},
    "exemptions": {"jps_reporting", "resident_requests"},
    "benefits": {"jps_reporting", "resident_requests"},
    "jps_reporting": {"resident_requests"},
    "audit": {"qualifications", "exemptions", "benefits", "jps_reporting", "resident_requests"},
    "kokumin_nenkin": {
        "qualifications",
        "exemptions",
        "benefits",
        "jps_reporting",
        "resident_requests",
    },
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value).split(".")[0])
    return found


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_a_layer_does_not_import_the_layers_above_it(folder):
    wrong = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        hits = imported_packages(path) & FORBIDDEN[folder]
        if hits:
            wrong[str(path.relative_to(ROOT))] = sorted(hits)
    assert wrong == {}


def test_seed_demo_runs_the_apps_parts_persons_first_and_the_index_tidy_last():
    codes = [p.code for p in registered_parts()]
    assert codes[0] == "qualifications.persons"
    assert codes.index("exemptions.incomes_and_entries") > 0
    assert codes[-1] == "qualifications.search_indexes"
