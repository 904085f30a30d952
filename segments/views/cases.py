"""Service cases with due times, breaches, queues and waits."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from segments.case_rows import case_row
from segments.forms import (
    CaseFilterForm,
)
from segments.selectors import cases as pages
from segments.views.common import PAGE_SIZE, _querystring, _sort_headers

CASE_COLUMNS = [
    ("opened", "Case", ""),
    ("customer", "Customer", ""),
    ("priority", "Priority", ""),
    ("due", "SLA", ""),
    ("queue", "Queue", "hide"),
]


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = CaseFilterForm(request.GET, user=user).filters()
    page = Paginator(pages.cases(user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [case_row(case) for case in page.object_list]
    others = {key: filters[key] for key in ("q", "priority", "queue", "customer")}
    quick = None
    if filters["status"] == "open" and not any(others.values()):
        quick = {
            ("", ""): "open",
            ("yes", ""): "breached",
            ("no", ""): "within",
            ("", "yes"): "waiting",
        }.get((filters["breached"], filters["waiting"]))
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "choices": pages.case_filter_choices(user),
        "counts": pages.case_counts(user),
        "quick": quick,
        "headers": _sort_headers(request, CASE_COLUMNS, filters["sort"]),
        "querystring": _querystring(request),
        "filtered": any(
            filters[key] for key in ("q", "breached", "waiting", "priority", "queue", "customer")
        ),
    }
    return render(request, "segments/case_list.html", context)
