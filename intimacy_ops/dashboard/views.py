"""The dashboard's pages: `/dashboard/` (the filters form and every panel), `/dashboard/panels/<key>/` (one
panel's card, for htmx) and `/dashboard/<key>.csv` (one panel's table, streamed).

A bad filter is a form error on the page (answered 400, with the form), never a 500 and never another
region's rows. Access: the `view_dashboard` rule (intimacy_ops/dashboard/access_rules.py).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from intimacy_ops import access, audit, spreadsheet
from intimacy_ops.accounts.models import Region
from intimacy_ops.dashboard import filters as dashboard_filters
from intimacy_ops.dashboard import present, registry
from intimacy_ops.dashboard.access_rules import VIEW_DASHBOARD


def _panel_or_404(key: str) -> registry.Panel:
    panel = registry.panel(key)
    if panel is None:
        raise Http404("No dashboard panel has that name.")
    return panel


def _card(panel, filters) -> dict:
    card = present.for_page(panel, panel.compute(filters.user, filters))
    card["csv_url"] = f"{panel_csv_url(panel.key)}?{filters.querystring()}".rstrip("?")
    return card


def panel_csv_url(key: str) -> str:
    from django.urls import reverse

    return reverse("dashboard:csv", kwargs={"key": key})


@login_required
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    access.require(request.user, VIEW_DASHBOARD, Region)
    filters, form = dashboard_filters.parse(request.user, request.GET)
    cards = [_card(panel, filters) for panel in registry.panels()] if filters else []
    context = {
        "form": form,
        "filters": filters,
        "cards": cards,
        "regions": form.regions,
        "periods": dashboard_filters.PERIODS,
        "currency": settings.CURRENCY,
    }
    return render(request, "dashboard/page.html", context, status=200 if filters else 400)


@login_required
@require_GET
def panel_partial(request: HttpRequest, key: str) -> HttpResponse:
    access.require(request.user, VIEW_DASHBOARD, Region)
    panel = _panel_or_404(key)
    filters, form = dashboard_filters.parse(request.user, request.GET)
    if filters is None:
        return render(request, "dashboard/_errors.html", {"form": form}, status=400)
    return render(request, "dashboard/_panel.html", {"card": _card(panel, filters), "filters": filters})


def _csv_lines(table: registry.Table):
    writer = spreadsheet.CsvWriter()
    yield writer.header([present.header(column) for column in table.columns])
    for row in table.rows:
        yield writer.row(present.csv_cells(table, row))


@login_required
@require_GET
def panel_csv(request: HttpRequest, key: str) -> HttpResponse:
    """One panel's table as CSV with the page's filters; the export is recorded in the audit trail (the
    tables are aggregates and names: no sensitive field, so no access-log row is owed)."""
    user = request.user
    access.require(user, VIEW_DASHBOARD, Region)
    panel = _panel_or_404(key)
    filters, form = dashboard_filters.parse(user, request.GET)
    if filters is None:
        return HttpResponse(
            "\n".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    table = panel.compute(user, filters)
    with transaction.atomic():
        audit.record(
            actor=user,
            verb="dashboard.exported",
            object_type="dashboard.panel",
            object_id=panel.key,
            after={
                "format": "csv",
                "filters": filters.query(),
                "regions": filters.region_codes,
                "rows": len(table.rows),
            },
        )
    response = StreamingHttpResponse(_csv_lines(table), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{panel.key}-{stamp}.csv"'
    return response
