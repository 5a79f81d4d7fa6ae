"""Search, the person page, the 個人番号 reveal and memos. Thin: forms check, services act."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import Action
from audit.policy import no_personal_data
from audit.search_words import record_search
from audit.services import record, record_many
from kokumin_nenkin.accounts.access import requires
from kokumin_nenkin.accounts.roles import perm
from kokumin_nenkin.identifiers import contains_my_number_like
from kokumin_nenkin.post_only import post_only
from kokumin_nenkin.verification.permissions import can_enter
from kokumin_nenkin.verification.selectors import offers

from . import selectors, services
from .forms import MemoForm, SearchForm, SuspendedOpenForm
from .kinds import ACQUISITION, ADDRESS_CHANGE, CATEGORY_CHANGE, LOSS, NAME_CHANGE, REISSUE
from .models import Person
from .rules import age_on

PAGE_SIZE = 20


# session: opaque token → the hits of one search; its words only until its first page is shown
# (then the id of their audit row, audit.SearchWords)
SEARCHES = "kn_searches"
SEARCHES_KEPT = 5
IDENTIFIER_IN_URL = (
    "個人番号はURLに含めて検索できません。検索欄に入力して「検索」を押してください。"
)
SEARCH_EXPIRED = "検索結果の表示期限が切れました。もう一度検索してください。"


class _Hits:
    """A stored search shown page by page: the persons of one page, in the search's order."""

    def __init__(self, stored: dict, page_number):
        from django.core.paginator import Paginator

        self.label = stored["label"]
        paginator = Paginator(stored["ids"], PAGE_SIZE)
        paginator.capped = stored["capped"]  # type: ignore[attr-defined]
        self.page = paginator.get_page(page_number)
        ids = list(self.page.object_list)
        found = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
        self.page.object_list = [found[i] for i in ids if i in found]


def _store_search(request, query) -> str:
    """Run the search once and keep its hits (ids, at most COUNT_CAP) in the server-side
    session under a random token: the results URL carries the token only."""
    import secrets

    ids = selectors.search_ids(query, selectors.COUNT_CAP + 1)
    token = secrets.token_urlsafe(12)
    searches = dict(request.session.get(SEARCHES, {}))
    while len(searches) >= SEARCHES_KEPT:
        searches.pop(next(iter(searches)))
    searches[token] = {
        "ids": ids[: selectors.COUNT_CAP],
        "capped": len(ids) > selectors.COUNT_CAP,
        "label": query.label,
        "kind": query.kind,
        "audit_text": query.audit_text,
    }
    request.session[SEARCHES] = searches
    return token


@requires("search_person")
@require_http_methods(["GET", "POST"])
def search(request):
    """The words go in a POST; the results page is `?r=<token>` (issue 11, item 3: no 個人番号
    in any URL, access log, proxy or browser history). A 12-digit number in a GET is refused
    unsearched."""
    if request.method == "POST":
        form = SearchForm(request.POST)
        query = selectors.understand(form.cleaned_data["q"]) if form.is_valid() else None
        no_personal_data(request)
        if query is None:
            return render(request, "qualifications/search.html", {"form": form})
        return redirect(f"{request.path}?r={_store_search(request, query)}")
    if "q" in request.GET:  # an old link or bookmark
        text = request.GET.get("q", "")
        query = selectors.understand(text)
        if not SearchForm(request.GET).is_valid():  # an impossible date: said next to the box
            no_personal_data(request)
            return render(request, "qualifications/search.html", {"form": SearchForm(request.GET)})
        if contains_my_number_like(text) or (query is not None and query.kind == "my_number"):
            no_personal_data(request)
            context = {"form": SearchForm(), "url_refused": IDENTIFIER_IN_URL}
            return render(request, "qualifications/search.html", context, status=400)
        if query is None:
            no_personal_data(request)
            return render(request, "qualifications/search.html", {"form": SearchForm(request.GET)})
        # A name or number that is not a 個人番号: shown at once (the pages use the token).
        token = _store_search(request, query)
        return _results(request, token, request.session[SEARCHES][token], SearchForm(request.GET))
    token = request.GET.get("r", "")
    stored = request.session.get(SEARCHES, {}).get(token) if token else None
    if stored is None:
        no_personal_data(request)
        context = {"form": SearchForm(), "expired": SEARCH_EXPIRED if token else ""}
        return render(request, "qualifications/search.html", context)
    return _results(request, token, stored, SearchForm())


def _results(request, token: str, stored: dict, form):
    hits = _Hits(stored, request.GET.get("page"))
    # The typed words go beside the chain (a purge can delete them); the event keeps their
    # digest. The session then keeps the words' row, no longer the words, for the next pages.
    event = record_search(
        stored.get("audit_text"),
        words_id=stored.get("words_id"),
        details={
            "解釈": stored["kind"],
            "該当件数": len(stored["ids"]),
            "上限到達": stored["capped"],
            "ページ": hits.page.number,
        },
    )
    if "audit_text" in stored:
        stored.pop("audit_text")
        stored["words_id"] = int(event.object_id)
        request.session.modified = True
    # Every person listed has this screen in their access history (item 4).
    persons = list(hits.page.object_list)
    if persons:
        record_many(
            Action.VIEW, persons=persons, details={"画面": "search", "ページ": hits.page.number}
        )
    return render(
        request,
        "qualifications/search.html",
        {"form": form, "page": hits.page, "query": hits, "token": token},
    )


@requires("search_person")
@require_http_methods(["GET", "POST"])
def person(request, pk: int):
    """A person whose use is suspended (利用停止) opens only with a reason, posted from the
    reason form; the reason goes into the audit event."""
    try:
        data = selectors.person_page(pk)
    except Person.DoesNotExist:
        raise Http404("該当する方はいません。") from None
    p = data["person"]
    details = {}
    if p.use_suspended:
        form = SuspendedOpenForm(request.POST if request.method == "POST" else None)
        if not form.is_valid():
            no_personal_data(request)  # the form names no one
            return render(
                request,
                "qualifications/suspended_reason.html",
                {"form": form, "pk": pk, "suspended_on": p.use_suspended_on},
            )
        details["閲覧理由"] = form.cleaned_data["reason"]
    elif request.method == "POST":
        return redirect("qualifications:person", pk=pk)
    record(Action.VIEW, person=p, target=p, details=details or None)
    today = timezone.localdate()
    data.update(
        {
            "age": age_on(p.birth_date, today),
            # each 届書 with the refusal known from the person alone ("" when it may be taken)
            "kinds": offers(
                [ACQUISITION, LOSS, CATEGORY_CHANGE, NAME_CHANGE, ADDRESS_CHANGE, REISSUE], p
            ),
            "may_enter": can_enter(request.user),
            "may_reveal": request.user.has_perm(perm("reveal_my_number")),
            "may_write_memo": request.user.has_perm(perm("write_memo")),
        }
    )
    return render(request, "qualifications/person.html", data)


@requires("reveal_my_number")
@post_only(back=lambda request, pk: reverse("qualifications:person", args=[pk]))
def reveal_my_number(request, pk: int):
    """The one screen that shows a 個人番号 in full; every use is an audit event."""
    p = get_object_or_404(Person, pk=pk)
    number = services.person_reveal_my_number(person=p, actor=request.user)
    response = render(request, "qualifications/reveal.html", {"person": p, "my_number": number})
    response["Cache-Control"] = "no-store"
    return response


@requires("write_memo")
def memo_new(request, pk: int):
    p = get_object_or_404(Person, pk=pk)
    form = MemoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.memo_create(person=p, actor=request.user, **form.cleaned_data)
        messages.success(request, "メモを記録しました。")
        return redirect("qualifications:person", pk=p.pk)
    record(Action.VIEW, person=p, details={"画面": "memo_form"})
    return render(request, "qualifications/memo_form.html", {"form": form, "person": p})
