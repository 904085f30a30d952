"""The "customers to contact" queue of an incident (issue 19, items 3 and 8) and the message templates pages.

`/incidents/<pk>/contact/`: the affected customers the person contacts (an account manager: their own) and has
not messaged yet, top tier first, then by name, each with their message ready; recording it as sent and giving
goodwill from the row. A form's bad input comes back on its row (400, nothing changed); goodwill above the
giver's limit says which exception request it became and where it was routed.
`/incidents/templates/`: the latest words per tier and kind; `/incidents/templates/edit/?segment=&kind=`: a new
version, with the older ones below (operations leads and administrators).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incidents.message_forms import GoodwillForm, SendForm, TemplateForm
from incidents.models import Goodwill, Incident, MessageTemplate
from incidents.placeholders import PLACEHOLDERS
from incidents.selectors import incidents as incident_selectors
from incidents.selectors import messages as selectors
from incidents.services import goodwill as goodwill_services
from incidents.services import message_templates as template_services
from incidents.services import messages as services
from intimacy_ops import access, errors
from intimacy_ops.forms import add_domain_errors, handle_form
from segments.models import Segment

QUEUE_PAGE_SIZE = 10


def _incident(request, pk: int) -> Incident:
    incident = incident_selectors.incident_for_page(request.user, pk)
    access.require(request.user, "contact_customers", incident)
    return incident


def _queue(request, incident: Incident, status: int = 200, failed: dict | None = None) -> HttpResponse:
    user = request.user
    page = Paginator(selectors.to_contact(user, incident), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    ready = selectors.compose(incident, rows)
    failed = failed or {}
    items = []
    for row in rows:
        message = ready[row.customer_id]
        mine = failed.get("customer") == row.customer_id
        send = failed["form"] if mine and failed["which"] == "send" else None
        goodwill = failed["form"] if mine and failed["which"] == "goodwill" else None
        items.append(
            {
                "row": row,
                "ready": message,
                "send": send
                or SendForm(
                    initial={
                        "subject": message.subject,
                        "body": message.body,
                        "channel": "phone" if message.personal else "email",
                    },
                    prefix=f"c{row.customer_id}",
                ),
                "goodwill": goodwill or GoodwillForm(prefix=f"g{row.customer_id}"),
                "goodwill_open": goodwill is not None,
            }
        )
    context = {
        "incident": incident,
        "page": page,
        "items": items,
        "contacted": selectors.contacted_count(user, incident),
        "may_send": incident.status in services.SENDING,
        "may_give": incident.status in goodwill_services.GIVING,
    }
    return render(request, "incidents/contact.html", context, status=status)


@login_required
@require_GET
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    return _queue(request, _incident(request, pk))


def _back(request, incident: Incident) -> str:
    page = request.GET.get("page")
    query = f"?{urlencode({'page': page})}" if page and page.isdigit() else ""
    return reverse("incidents:contact", args=[incident.pk]) + query


def _customer_of(request) -> int | None:
    raw = request.POST.get("customer", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


@login_required
@require_POST
def contact_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a customer's message as sent (their account manager, a lead of their region, an administrator)."""
    incident = _incident(request, pk)
    customer = _customer_of(request)
    form = SendForm(request.POST, prefix=f"c{customer}" if customer else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            made = services.record(
                incident=incident,
                actor=request.user,
                customer_id=customer,
                channel=data["channel"],
                sent_at=data["sent_at"],
                subject=data["subject"],
                body=data["body"],
            )
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            name = made.customer.name
            messages.success(
                request, f"Recorded: {made.get_channel_display().lower()} to {name}, “{made.subject}”."
            )
            return redirect(_back(request, incident))
    return _queue(request, incident, 400, {"customer": customer, "which": "send", "form": form})


def _given(goodwill: Goodwill) -> str:
    what = f"{goodwill.get_kind_display()} of {goodwill_services.money(goodwill.amount)}"
    if goodwill.status == Goodwill.Status.RECORDED:
        return f"{what} recorded for {goodwill.customer.name}, within your limit of {goodwill_services.money(goodwill.limit)}."
    route = goodwill.exception.get_route_display().lower() if goodwill.exception else "an approver"
    return (
        f"{what} for {goodwill.customer.name} is above your limit of {goodwill_services.money(goodwill.limit)}: "
        f"it became exception request #{goodwill.exception_id}, routed to the {route}."
    )


@login_required
@require_POST
def contact_goodwill(request: HttpRequest, pk: int) -> HttpResponse:
    """Goodwill from the queue: within the giver's limit recorded, above it an exception request."""
    incident = _incident(request, pk)
    access.require(request.user, "give_goodwill", incident)
    customer = _customer_of(request)
    form = GoodwillForm(request.POST, prefix=f"g{customer}" if customer else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            goodwill = goodwill_services.give(
                incident=incident,
                actor=request.user,
                customer_id=customer,
                kind=data["kind"],
                amount=data["amount"],
                reason=data["reason"],
            )
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, _given(goodwill))
            return redirect(_back(request, incident))
    return _queue(request, incident, 400, {"customer": customer, "which": "goodwill", "form": form})


@login_required
@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    latest = list(selectors.templates_for(request.user))
    cells = {(t.segment_id, t.kind): t for t in latest}
    tiers = selectors.tiers()
    grid = [
        (tier, [(kind, label, cells.get((tier.pk, kind))) for kind, label in Incident.Kind.choices])
        for tier in tiers
    ]
    context = {
        "grid": grid,
        "kinds": Incident.Kind.choices,
        "placeholders": PLACEHOLDERS,
        "may_edit": bool(access.allowed(request.user, "create", MessageTemplate)),
    }
    return render(request, "incidents/templates.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest) -> HttpResponse:
    """New words for a tier and kind (a new version); the versions before it below."""
    access.require(request.user, "create", MessageTemplate)
    raw = request.GET.get("segment", "")
    tiers = Segment.objects.order_by("rank")
    segment = (raw.isdigit() and len(raw) < 10 and tiers.filter(pk=raw).first()) or tiers.first()
    kind = request.GET.get("kind", "")
    kind = kind if kind in Incident.Kind.values else Incident.Kind.OUTAGE
    history = (
        list(selectors.templates_for(request.user, segment=segment, kind=kind, history=True))
        if segment
        else []
    )
    latest = history[0] if history else None
    initial = {"segment": segment, "kind": kind}
    if latest:
        initial.update(level=latest.level, subject=latest.subject, body=latest.body)
    elif segment:
        initial.update(
            level=template_services.default_level(segment),
            subject=selectors.HOUSE_SUBJECT,
            body=selectors.HOUSE_BODY,
        )
    form = TemplateForm(request.POST if request.method == "POST" else None, initial=initial)

    def act(data: dict) -> tuple[str, str]:
        made = template_services.save_version(actor=request.user, **data)
        where = (
            reverse("incidents:template-edit")
            + "?"
            + urlencode({"segment": made.segment_id, "kind": made.kind})
        )
        return (
            f"Saved: {made.segment.name} · {made.get_kind_display().lower()}, version {made.version}.",
            where,
        )

    def page(status: int) -> HttpResponse:
        context = {
            "form": form,
            "segment": segment,
            "kind": kind,
            "history": history,
            "placeholders": PLACEHOLDERS,
        }
        return render(request, "incidents/template_edit.html", context, status=status)

    return handle_form(request, form, act=act, page=page)
