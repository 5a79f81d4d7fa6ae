"""Login and account events → audit rows.

Django: user_logged_in (password step passed), user_logged_out, user_login_failed (the username
tried is kept; the password never is — Django has already masked it, and we do not read it).
Ours: second_factor_failed / second_factor_passed / staff_account_changed.
django-axes: user_locked_out.

The client address is always ours (`audit.context`), never the one axes computed.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from kokumin_nenkin.identifiers import contains_my_number_like

from .models import Action
from .services import record

USERNAME_MAX = 150


def _safe_username(value) -> str:
    text = str(value or "")[:USERNAME_MAX]
    if contains_my_number_like(text):
        # Someone typed a 12-digit number as the user id: keep that it happened, not the digits.
        return "（個人番号らしき数字列のため記録しません）"
    return text


def on_logged_in(sender, request, user, **kwargs):
    record(Action.LOGIN, actor=user, details={"段階": "password"})


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Action.LOGOUT, actor=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    record(
        Action.LOGIN_FAILURE, details={"ユーザーID": _safe_username(credentials.get("username"))}
    )


def _factor_details(kwargs) -> dict:
    details: dict[str, Any] = {"方式": str(kwargs.get("method") or "totp")}
    if kwargs.get("throttled"):
        details["抑止"] = True
    return details


def on_second_factor_failed(sender, request, user, **kwargs):
    record(Action.SECOND_FACTOR_FAILURE, actor=user, details=_factor_details(kwargs))


def on_second_factor_passed(sender, request, user, **kwargs):
    record(Action.LOGIN, actor=user, details={"段階": "second_factor", **_factor_details(kwargs)})


SECRET_KEY_HINTS = (
    *("password", "token", "secret", "key", "code"),
    *("パスワード", "トークン", "秘密", "鍵", "コード", "暗証"),
)


def _without_secrets(details: dict) -> dict:
    """Account-change details minus anything that could be a credential."""
    return {
        k: v for k, v in details.items() if not any(h in str(k).lower() for h in SECRET_KEY_HINTS)
    }


def on_staff_account_changed(sender, request=None, actor=None, staff=None, change="", **kwargs):
    details = {"変更内容": str(change), "職員": getattr(staff, "username", "")}
    extra = _without_secrets(kwargs.get("details") or {})
    if extra:
        details["詳細"] = extra
    record(Action.ACCOUNT_CHANGE, actor=actor, target=staff, details=details)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(Action.LOCKOUT, details={"ユーザーID": _safe_username(username)})


def connect_lockout(signal) -> None:
    signal.connect(on_locked_out, dispatch_uid="audit_locked_out")


def connect_all() -> None:
    from kokumin_nenkin.accounts import signals

    user_logged_in.connect(on_logged_in, dispatch_uid="audit_logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit_logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
    signals.second_factor_failed.connect(on_second_factor_failed, dispatch_uid="audit_2fa_fail")
    signals.second_factor_passed.connect(on_second_factor_passed, dispatch_uid="audit_2fa_pass")
    signals.staff_account_changed.connect(on_staff_account_changed, dispatch_uid="audit_staff")
    # Imported here: `axes.signals` imports axes' models, which needs the app registry ready.
    from axes.signals import user_locked_out

    connect_lockout(user_locked_out)
