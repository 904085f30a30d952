"""`/search/?q=`: the top bar's search over every kind apps register (intimacy_ops/search/__init__.py).

Every signed-in person may search; what they find is what `access.visible` lets them open. An empty query
shows what can be searched; a query shorter than MIN_LENGTH runs nothing and says so; a longer one than
MAX_LENGTH is cut (and the page says so)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from intimacy_ops import search


@login_required
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    text, cut = search.clean(request.GET.get("q"))
    too_short = bool(text) and len(text) < search.MIN_LENGTH
    groups = search.search(request.user, text) if text and not too_short else []
    context = {
        "q": text,
        "search_q": text,  # the top bar's box keeps it
        "cut": cut,
        "too_short": too_short,
        "groups": groups,
        "total": sum(group.total for group in groups),
        "kinds": search.kinds(),
        "min_length": search.MIN_LENGTH,
        "max_length": search.MAX_LENGTH,
        "nav_active": "search",
    }
    return render(request, "search/results.html", context)
