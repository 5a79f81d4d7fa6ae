from django import template

register = template.Library()


@register.filter
def printable(value) -> str:
    """For PDFs: a character the embedded font lacks as 〓 with its code point."""
    from ..documents import printable as printable_text

    return printable_text(str(value or ""))
