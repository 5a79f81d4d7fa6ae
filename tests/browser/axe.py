"""axe-core in the browser tests (issue 14, item 12): a page passes only with no violation of
any impact. The script ships inside the Python package; nothing is fetched at run time."""

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()

# Every rule axe runs by default (WCAG 2.0–2.2 A/AA and best practices), all impacts.
OPTIONS = {"resultTypes": ["violations", "incomplete"]}
# Rules axe cannot settle alone come back "incomplete" (a contrast over an image, say): those
# need a person's eye. These can be settled from the markup, so an incomplete one fails too
# (aria-valid-attr-value comes back incomplete when aria-describedby names an id that is not
# on the page: Django points a field at "<id>_helptext" and "<id>_error").
DECIDABLE = {"aria-prohibited-attr", "aria-valid-attr-value"}


# Text contrast axe could not measure comes back "incomplete" too. Reviewed on every page of
# the browser tests (issue 14, item 12): the only kind left is a cell holding a symbol alone
# (「○」 in the person page's 最新 column, ink on white, 16:1), which axe does not measure
# ("nonBmp"). Any other unmeasured contrast fails, so a new one gets a person's look.
CONTRAST_REVIEWED = {"nonBmp"}


def _unreviewed_contrast(node) -> bool:
    keys = {(c.get("data") or {}).get("messageKey") for c in node.get("any", [])}
    return not keys or not keys <= CONTRAST_REVIEWED


def violations(page) -> list[str]:
    """One line per failing node: rule id, impact, the element's selector and axe's summary."""
    results = _AXE.run(page, options=OPTIONS)
    lines = []
    found = list(results.response["violations"])
    for item in results.response["incomplete"]:
        if item["id"] in DECIDABLE:
            found.append(item)
        elif item["id"] == "color-contrast":
            nodes = [n for n in item["nodes"] if _unreviewed_contrast(n)]
            if nodes:
                found.append({**item, "nodes": nodes})
    for violation in found:
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
            checks = node.get("any", []) + node.get("all", [])
            why = "; ".join(c["message"] for c in checks)
            keys = ",".join(str((c.get("data") or {}).get("messageKey", "")) for c in checks)
            lines.append(f"{item['id']} {target}: {why} [{keys}]")
    return lines


def assert_no_violations(page) -> None:
    found = violations(page)
    assert not found, f"axe: {len(found)} violation(s) on {page.url}\n" + "\n".join(found)
