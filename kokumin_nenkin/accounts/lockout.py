"""The user ID django-axes keeps in its lock-out tables (issue 11, item 12): never a 個人番号
typed into the user-ID box by mistake. Such an ID is counted under one masked name, so the
lock-out still works for it (and for the address) while the digits are kept nowhere."""

from kokumin_nenkin.identifiers import contains_my_number_like

MASKED = "（個人番号らしき数字列）"
USERNAME_MAX = 150


def username_for_lockout(request, credentials=None) -> str:
    if credentials and credentials.get("username") is not None:
        value = credentials.get("username")
    else:
        value = getattr(request, "POST", {}).get("username", "")
    text = str(value or "")[:USERNAME_MAX]
    return MASKED if contains_my_number_like(text) else text
