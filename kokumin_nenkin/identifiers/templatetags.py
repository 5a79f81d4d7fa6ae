"""Template filters for identifiers, available in every template (TEMPLATES builtins):

{{ person.postal_code|postal }}   → 〒360-0845
"""

from django import template

from . import format_postal_code

register = template.Library()


@register.filter
def postal(value):
    return format_postal_code(value)
