"""Every view declares who may open it. A view that declares nothing is refused to everyone.

    @public                      login page, health check
    @otp_pending                 the second-factor step (password done, code not yet)
    @requires(ANY_STAFF)         any verified staff member
    @requires("verify_entry")    a verified staff member whose role has that permission

`StaffAccessMiddleware` enforces the declaration; the URL-walk test checks every pattern.
"""

from collections.abc import Callable
from typing import Any

from .roles import perm

ANY_STAFF = "__any_staff__"
PUBLIC = "__public__"
OTP_PENDING = "__otp_pending__"


def _declare(view: Callable[..., Any], access: str) -> Callable[..., Any]:
    view.access = access  # type: ignore[attr-defined]
    view.login_required = access != PUBLIC  # type: ignore[attr-defined]
    return view


def public(view):
    return _declare(view, PUBLIC)


def otp_pending(view):
    return _declare(view, OTP_PENDING)


def requires(codename: str):
    def decorator(view):
        return _declare(view, codename)

    return decorator


def declared_access(view_func: Callable[..., Any]) -> str | None:
    access = getattr(view_func, "access", None)
    if access is None:
        view_class = getattr(view_func, "view_class", None)
        access = getattr(view_class, "access", None)
    return access


def user_may(user, access: str | None) -> bool:
    """Whether a verified user passes a view's declaration."""
    if access is None:
        return False
    if access in (PUBLIC, OTP_PENDING, ANY_STAFF):
        return True
    return user.has_perm(perm(access))
