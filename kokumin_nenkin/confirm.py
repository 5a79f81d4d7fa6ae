"""Confirm before what cannot be undone: one second step for every such button.

    @requires("verify_entry")
    @post_only
    @confirm_first(question=lambda request, pk: f"受付番号 … を承認します。", action="承認する",
                   back=lambda request, pk: reverse("verification:detail", args=[pk]))
    def approve(request, pk): ...

The first POST (the button on the screen) does nothing yet: it answers with a confirmation page
(`confirm.html`) that says what will happen and offers the confirm button (focused, so Enter
confirms; Tab reaches 「やめて戻る」) — plain HTML, no script. What was posted travels with that
page encrypted (`cryptography`'s Fernet, keyed from SECRET_KEY), so nothing typed — a re-keyed
個人番号 included — is written into the page, and nothing is stored on the server but a one-time
token. The second POST carries the token: the view then runs with the first POST's data.

Double submits are harmless: a token is used once (kept in the session), so a second click, a
reload of the confirmed POST or a second tab answers "already done" and goes back to the
screen, and nothing happens twice.
"""

import base64
import functools
import hashlib
import json
import secrets
from collections.abc import Callable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from audit.policy import no_personal_data

TOKEN = "confirm_token"  # noqa: S105 - a form field name
DATA = "confirm_data"
SESSION_KEY = "confirm_tokens"
KEEP = 30  # tokens waiting per session (older ones are forgotten)
MAX_AGE = 60 * 60  # seconds a confirmation page stays valid
ALREADY_DONE = "この操作は既に実行しました（二度目の送信は行っていません）。"
EXPIRED = "確認の有効期限が切れました。もう一度操作してください。"

Text = str | Callable[..., str]


def _fernet() -> Fernet:
    key = hashlib.sha256(b"kokumin_nenkin.confirm:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _posted(request: HttpRequest) -> dict[str, list[str]]:
    return {
        k: request.POST.getlist(k)
        for k in request.POST
        if k not in (TOKEN, DATA, "csrfmiddlewaretoken")
    }


def _text(value: Text, request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return value(request, **kwargs) if callable(value) else value


def confirm_first(
    *,
    question: Text,
    action: Text,
    back: Text,
    note: Text = "",
    when: Callable[..., bool] | None = None,
):
    """Decorate a POST view: the first POST asks, the second (with the token) acts, once.
    `when(request, **kwargs)` limits the step to some of the view's POSTs."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method != "POST" or (when is not None and not when(request, **kwargs)):
                return view(request, *args, **kwargs)
            token = request.POST.get(TOKEN, "")
            if not token:
                return _ask(request, question, action, back, note, kwargs)
            issued: list[str] = list(request.session.get(SESSION_KEY, []))
            if token not in issued:
                no_personal_data(request)  # a message and a redirect
                messages.info(request, ALREADY_DONE)
                return redirect(_text(back, request, kwargs))
            issued.remove(token)
            request.session[SESSION_KEY] = issued
            try:
                sealed = _fernet().decrypt(request.POST.get(DATA, "").encode(), ttl=MAX_AGE)
                bound = json.loads(sealed)
            except (InvalidToken, ValueError):
                bound = {}
            if bound.get("token") != token or bound.get("path") != request.path:
                no_personal_data(request)
                messages.error(request, EXPIRED)
                return redirect(_text(back, request, kwargs))
            data = QueryDict(mutable=True)
            for name, values in bound["data"].items():
                data.setlist(name, values)
            data._mutable = False
            request.POST = data  # type: ignore[assignment]  # the first POST's data, as confirmed
            return view(request, *args, **kwargs)

        wrapped.confirms = True  # type: ignore[attr-defined]  # for the URL-walk tests
        return wrapped

    return decorator


def _ask(request, question, action, back, note, kwargs) -> HttpResponse:
    token = secrets.token_urlsafe(16)
    issued = [*request.session.get(SESSION_KEY, []), token][-KEEP:]
    request.session[SESSION_KEY] = issued
    sealed = _fernet().encrypt(
        json.dumps({"token": token, "path": request.path, "data": _posted(request)}).encode()
    )
    no_personal_data(request)  # the question names a 受付番号 or a user ID, never a person
    return render(
        request,
        "confirm.html",
        {
            "question": _text(question, request, kwargs),
            "note": _text(note, request, kwargs),
            "action": _text(action, request, kwargs),
            "back": _text(back, request, kwargs),
            "token": token,
            "sealed": sealed.decode(),
            "path": request.path,
        },
    )
