"""`{% idle_settings as idle %}`: the idle timeout and its warning, for static/js/idle.js."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def idle_settings() -> dict[str, int]:
    idle = int(settings.SESSION_IDLE_SECONDS)
    warning = min(int(settings.SESSION_IDLE_WARNING_SECONDS), max(idle - 1, 0))
    return {"seconds": idle, "warning": warning}
