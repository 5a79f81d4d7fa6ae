"""Search, the person page, the 個人番号 reveal and memos. Thin: forms check, services act."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.models import Action
from audit.policy import no_personal_data
from audit.services import record
from kokumin_nenkin.accounts.access import requires
from kokumin_nenkin.accounts.roles import perm
from kokumin_nenkin.verification.permissions import can_enter

from . import selectors, services
from .forms import MemoForm, SearchForm
from .kinds import ACQUISITION, ADDRESS_CHANGE, CATEGORY_CHANGE, LOSS, NAME_CHANGE, REISSUE
from .models import Person
from .rules import age_on

PAGE_SIZE = 20


@requires("search_person")
@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    page = None
    query = None
    if form.is_valid() and (query := selectors.understand(form.cleaned_data["q"])):
        paginator = selectors.CappedPaginator(selectors.search_persons(query), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        record(
            Action.SEARCH,
            details={
                "検索語": query.audit_text,
                "解釈": query.kind,
                "該当件数": min(paginator.count, selectors.COUNT_CAP),
                "上限到達": paginator.capped,
                "ページ": page.number,
            },
        )
    if page is None:
        no_personal_data(request)  # no query yet, or one not understood: nothing is listed
    if query is not None and query.kind == "my_number":
        form = SearchForm()  # the number typed is not echoed back into the page
    return render(
        request, "qualifications/search.html", {"form": form, "page": page, "query": query}
    )


@requires("search_person")
@require_GET
def person(request, pk: int):
    try:
        data = selectors.person_page(pk)
    except Person.DoesNotExist:
        raise Http404("該当する方はいません。") from None
    p = data["person"]
    record(Action.VIEW, person=p, target=p)
    today = timezone.localdate()
    data.update(
        {
            "age": age_on(p.birth_date, today),
            "kinds": [ACQUISITION, LOSS, CATEGORY_CHANGE, NAME_CHANGE, ADDRESS_CHANGE, REISSUE],
            "may_enter": can_enter(request.user),
            "may_reveal": request.user.has_perm(perm("reveal_my_number")),
            "may_write_memo": request.user.has_perm(perm("write_memo")),
        }
    )
    return render(request, "qualifications/person.html", data)


@requires("reveal_my_number")
@require_POST
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
