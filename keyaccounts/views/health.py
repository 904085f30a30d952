"""The health score's pages (issue 20, item 3): `/keyaccounts/health/`, the scores of the customers you may
see (sortable, filtered like the API, paginated), and `/keyaccounts/health/weights/`, a region's weights with
their history — a form for an operations lead of the region or an administrator, read-only for others."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from intimacy_ops import access, errors, listing
from intimacy_ops.accounts.models import Region
from intimacy_ops.forms import handle_form
from keyaccounts.score import parts as P
from keyaccounts.score import selectors
from keyaccounts.score import weights as W
from keyaccounts.score.filters import ORDERING_FIELDS, HealthScoreFilter
from keyaccounts.score.forms import LABELS, WeightsForm

PAGE_SIZE = 25
BAR = ["below_line", "region", "segment", "account_manager"]
COLUMNS = [
    ("score", "Score", "num"),
    ("customer__name", "Customer", ""),
    ("score_30_days_ago", "30 days ago", "num"),
    ("score_90_days_ago", "90 days ago", "num"),
]


@login_required
@require_GET
def health_list(request: HttpRequest) -> HttpResponse:
    found = listing.read(
        request,
        HealthScoreFilter,
        selectors.current_scores(request.user),
        orderings=listing.orderings_of(ORDERING_FIELDS),
        default="score",
    )
    page = Paginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.explanation = P.explain(row.score, row.parts)
    context = {
        "page": page,
        "listing": found,
        "bar_fields": listing.bar_fields(found, BAR),
        "hidden_filters": listing.hidden_fields(found, BAR),
        "headers": listing.sort_headers(request, COLUMNS, found.ordering),
        "querystring": listing.querystring(request),
        "latest_day": selectors.latest_day(),
    }
    return render(request, "keyaccounts/health_list.html", context, status=found.status)


@login_required
@require_http_methods(["GET", "POST"])
def health_weights(request: HttpRequest) -> HttpResponse:
    user = request.user
    regions = list(access.visible(user, Region).filter(pk__in=_regions_of(user)).order_by("code"))
    if not regions:
        raise errors.NotFound("You have no region whose weights you could read.")
    code = request.POST.get("region") or request.GET.get("region") or regions[0].code
    region = next((r for r in regions if r.code == code), None)
    if region is None:
        raise errors.NotFound("No region of yours has that code.")
    current = W.current(region.pk)
    may_set = bool(access.allowed(user, "set_health_weights", region))
    if request.method == "POST":
        access.require(user, "set_health_weights", region)
    initial = {**W.values_of(current), "based_on": current.version if current else 0}
    form = WeightsForm(request.POST if request.method == "POST" else None, initial=initial)

    def act(data: dict) -> tuple[str, str]:
        saved = W.set_weights(
            actor=user,
            region=region,
            values={name: data[name] for name in W.FIELDS},
            based_on=data["based_on"],
            note=data.get("note") or "",
        )
        url = f"{reverse('keyaccounts:health-weights')}?region={region.code}"
        return (
            f"{region.code}'s weights saved as version {saved.version}: the next scoring run uses them.",
            url,
        )

    def page(status: int) -> HttpResponse:
        context = {
            "regions": regions,
            "region": region,
            "current": current,
            "values": [(LABELS[name], value) for name, value in W.values_of(current).items()],
            "form": form,
            "may_set": may_set,
            "history": _named(W.history(region.pk)),
        }
        return render(request, "keyaccounts/health_weights.html", context, status=status)

    return handle_form(request, form, act=act, page=page)


def _regions_of(user) -> list[int]:
    """The regions whose weights the page offers: the user's own (auditors and administrators: every one)."""
    if access.sees_all_regions(user):
        return list(Region.objects.values_list("pk", flat=True))
    return access.user_region_ids(user)


def _named(history: list) -> list:
    for version in history:
        version.changes = [(LABELS[name], before, after) for name, before, after in version.changes]
    return history
