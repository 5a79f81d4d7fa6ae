"""axe-core in the browser tests (issue 14, item 12): a page passes only with no violation of
any impact. The script ships inside the Python package; nothing is fetched at run time."""

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()

# Every rule axe runs by default (WCAG 2.0–2.2 A/AA and best practices), all impacts.
OPTIONS = {"resultTypes": ["violations", "incomplete"]}
# Rules axe cannot settle alone come back "incomplete" (a contrast over an image, say): those
# need a person's eye. These can be settled from the markup, so an incomplete one fails too.
DECIDABLE = {"aria-prohibited-attr"}


def violations(page) -> list[str]:
    """One line per failing node: rule id, impact, the element's selector and axe's summary."""
    results = _AXE.run(page, options=OPTIONS)
    lines = []
    undecided = [r for r in results.response["incomplete"] if r["id"] in DECIDABLE]
    for violation in results.response["violations"] + undecided:
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"{violation['id']} [{violation['impact']}] {target}: {violation['help']}")
    return lines


def needs_review(page, rules: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """axe's "incomplete" results (what it could not settle alone and a person must look at),
    one line per node with axe's own reason; only `rules` when given."""
    results = _AXE.run(page, options=OPTIONS)
    lines = []
    for item in results.response["incomplete"]:
        if rules and item["id"] not in rules:
            continue
        for node in item["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            why = "; ".join(c["message"] for c in node.get("any", []) + node.get("all", []))
            lines.append(f"{item['id']} {target}: {why}")
    return lines


def assert_no_violations(page) -> None:
    found = violations(page)
    assert not found, f"axe: {len(found)} violation(s) on {page.url}\n" + "\n".join(found)
