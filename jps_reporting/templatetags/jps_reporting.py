from django import template

from ..selectors import batches, unreported_entries

register = template.Library()


@register.simple_tag
def shintatsu_counts() -> dict:
    """The home page's 進達 block: entries waiting to be reported and the last batch."""
    return {"unreported": unreported_entries().count(), "last": batches().first()}
