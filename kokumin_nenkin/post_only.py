"""A button's URL opened by GET (a reload after a refused form, a bookmark, a link pasted into
the address bar) goes back to its screen with a message, never a bare 405 page (issue 14,
item 7). One decorator for every POST-only view:

    @requires("import_jps_results")
    @post_only(back=lambda request, pk: reverse("jps_reporting:results_detail", args=[pk]))
    def results_request(request, pk): ...
"""

import functools
from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect

from audit.policy import no_personal_data

BUTTON_ONLY = "この操作は画面のボタンから行ってください。"


def post_only(back: str | Callable[..., str]):
    """Only a POST runs the view; any other method is sent to `back` (a URL, or a function of
    the request and the URL's arguments) with a message."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "POST":
                no_personal_data(request)  # a redirect: nothing is shown
                messages.info(request, BUTTON_ONLY)
                return redirect(back(request, *args, **kwargs) if callable(back) else back)
            return view(request, *args, **kwargs)

        wrapped.post_only = True  # type: ignore[attr-defined]
        return wrapped

    return decorator
