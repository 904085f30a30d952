"""Customer links in the browser: issue one from the customer's page, revoke it (with a confirmation), and the
page the link opens, `/c/<token>/`, with no account: the customer's terms (keyaccounts/terms.py)."""

import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intimacy_ops import access, errors, lifecycle
from intimacy_ops.forms import add_domain_errors
from keyaccounts import links, terms
from keyaccounts.forms import IssueLinkForm
from keyaccounts.models import CustomerLink
from keyaccounts.templatetags.keyaccounts_tags import customer_links_context
from segments.models import Customer


@login_required
@require_POST
def issue_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a link from the customer's page (htmx: the section comes back with the link or the form's
    errors; without JavaScript: back to the page with a message)."""
    customer = access.get_visible(request.user, Customer, pk=pk)
    access.require(request.user, "issue_link", customer)
    form = IssueLinkForm(request.POST)
    issued_url = None
    if form.is_valid():
        try:
            link, token = links.issue(
                actor=request.user,
                customer=customer,
                contact_name=form.cleaned_data["contact_name"],
                expires_at=form.expires_at(),
            )
        except errors.ValidationFailed as problem:
            if "expires_at" in problem.fields:
                problem.fields["expires_on"] = problem.fields.pop("expires_at")
            add_domain_errors(form, problem)
        else:
            # The token is not stored: this is the one time it is shown.
            issued_url = request.build_absolute_uri(links.url_of(token))
    if not request.headers.get("HX-Request"):
        if issued_url:
            messages.success(
                request, f"Link issued for {link.contact_name} (copy it now, it is shown once): {issued_url}"
            )
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("segments:customer-detail", pk=customer.pk)
    context = customer_links_context(
        request, customer, form=IssueLinkForm() if issued_url else form, issued_url=issued_url
    )
    html = render_to_string("keyaccounts/_customer_links.html", context, request=request)
    return HttpResponse(html, status=200 if issued_url else 400)


@login_required
@require_http_methods(["GET", "POST"])
def revoke_link(request: HttpRequest, pk: int) -> HttpResponse:
    link = access.get_visible(
        request.user, CustomerLink.objects.select_related("customer", "issued_by"), pk=pk
    )
    if request.method == "POST":
        links.revoke(actor=request.user, link=link)  # the table's rule: 409 when revoked, 403 when not yours
        messages.success(request, f"The link for {link.contact_name} is revoked: it opens nothing any more.")
        return redirect("segments:customer-detail", pk=link.customer_id)
    lifecycle.check(link, "revoke", actor=request.user)  # the confirmation asks the same rule first
    return render(request, "keyaccounts/revoke_confirm.html", {"link": link})


def _too_many(request: HttpRequest) -> bool:
    """Views of `/c/…` per client address per minute, across tokens (guessing included)."""
    key = f"customer-link-views:{request.META.get('REMOTE_ADDR', '')}:{timezone.now():%Y%m%d%H%M}"
    cache.add(key, 0, timeout=90)
    return cache.incr(key) > settings.CUSTOMER_LINK_VIEWS_PER_MINUTE


@require_GET
def customer_link_page(request: HttpRequest, token: str) -> HttpResponse:
    if _too_many(request):
        raise errors.RateLimited("Too many views of customer links from here; try again in a minute.")
    link = links.open_link(token)
    links.record_view(link)
    zone = link.customer.region.time_zone  # the customer's region's clock, not the server's
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        response = render(
            request,
            "keyaccounts/customer_view.html",
            {
                "terms": terms.terms(link.customer),
                "contact_name": link.contact_name,
                "expires_at": link.expires_at,
                "time_zone": zone,
            },
        )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
