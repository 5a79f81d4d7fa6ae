from django import template

from ..selectors import batches, unreported_entries

register = template.Library()


@register.simple_tag
def shintatsu_counts() -> dict:
    """The home page's 進達 block: entries waiting to be reported and the last batch."""
    return {"unreported": unreported_entries().count(), "last": batches().first()}


@register.filter
def printable(value) -> str:
    """For PDFs: a character the embedded font lacks as 〓 with its code point."""
    from ..documents import printable as printable_text

    return printable_text(str(value or ""))
