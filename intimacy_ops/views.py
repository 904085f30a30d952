"""Kernel pages: the audit trail and the error pages."""

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET

from intimacy_ops import access, audit, errors, exports

AUDIT_PAGE_SIZE = 50
# The trail's CSV: every recorded field but the address, what the auditor needs to trace a decision.
AUDIT_CSV_COLUMNS = [
    ("id", lambda e: e.pk),
    ("at", lambda e: e.at.isoformat()),
    ("actor", lambda e: e.actor_username),
    ("verb", lambda e: e.verb),
    ("object_type", lambda e: e.object_type),
    ("object_id", lambda e: e.object_id),
    ("object", lambda e: e.object_repr),
    ("before", lambda e: json.dumps(e.before, cls=DjangoJSONEncoder) if e.before is not None else ""),
    ("after", lambda e: json.dumps(e.after, cls=DjangoJSONEncoder) if e.after is not None else ""),
    ("comment", lambda e: e.comment),
    ("request_id", lambda e: e.request_id),
    ("seq", lambda e: e.seq),
    ("hash", lambda e: e.hash),
]


def _require_audit_reader(user) -> None:
    access.require(user, "read_trail", audit.AuditEvent)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """The logo, where browsers look for the site's icon (they ask for /favicon.ico whatever the page says)."""
    logo = Path(settings.BASE_DIR) / "static" / "img" / "logo.svg"
    response = HttpResponse(logo.read_bytes(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def verb_label(verb: str) -> str:
    """ "exceptions.request_submitted" → "Request submitted": the act in words (the code stays on hover)."""
    return verb.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def object_label(object_type: str) -> str:
    """ "segments.customer" → "Customer": the model's own name for itself."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return object_type


def _readable(events) -> None:
    """People by full name (one query for the page), acts and objects in words."""
    events = list(events)
    names = {
        username: (f"{first} {last}".strip() or username)
        for username, first, last in get_user_model()
        .objects.filter(username__in={event.actor_username for event in events if event.actor_username})
        .values_list("username", "first_name", "last_name")
    }
    for event in events:
        event.actor_name = names.get(event.actor_username, event.actor_username)
        event.verb_label = verb_label(event.verb)
        event.object_label = object_label(event.object_type) if event.object_type else ""


def _trail_events(request: HttpRequest):
    """The trail's events under the page's filters (q, verb, actor, since, until), newest first; the filters
    as asked, and the problems with them (a date that is not one)."""
    events = access.visible(request.user, audit.AuditEvent).order_by("-id")
    filters = {key: request.GET.get(key, "").strip() for key in ("q", "verb", "actor", "since", "until")}
    if filters["verb"]:
        events = events.filter(verb=filters["verb"])
    if filters["actor"]:
        events = events.filter(actor_username=filters["actor"])
    if filters["q"]:
        events = events.filter(object_repr__icontains=filters["q"]) | events.filter(
            comment__icontains=filters["q"]
        )
    problems = []
    for key, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        if filters[key]:
            day = parse_date(filters[key]) if len(filters[key]) == 10 else None
            if day is None:
                problems.append(f"'{filters[key]}' is not a date (use YYYY-MM-DD).")
            else:
                events = events.filter(**{lookup: day})
    return events, filters, problems


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    _require_audit_reader(request.user)
    events, filters, problems = _trail_events(request)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    _readable(page.object_list)
    verbs = (
        access.visible(request.user, audit.AuditEvent)
        .order_by("verb")
        .values_list("verb", flat=True)
        .distinct()
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "problems": problems,
        "verbs": list(verbs),
        "querystring": query.urlencode(),
    }
    return render(request, "audit/trail.html", context)


@login_required
def audit_verify(request: HttpRequest) -> HttpResponse:
    _require_audit_reader(request.user)
    # Seal what has committed first (the sealer thread may be gathering, or a crash left some): the page
    # then verifies them too. Never waits: if another sealer holds the chain, they show as pending sealing.
    audit.seal_pending()
    return render(request, "audit/verify.html", {"report": audit.verify_chain()})


@login_required
@require_GET
def audit_trail_csv(request: HttpRequest) -> HttpResponse:
    """`/audit/export.csv`: the trail under the page's filters, streamed (a bad date: 400 naming it)."""
    _require_audit_reader(request.user)
    events, _, problems = _trail_events(request)
    if problems:
        return HttpResponseBadRequest(" ".join(problems), content_type="text/plain; charset=utf-8")
    return exports.csv_response(
        user=request.user,
        rows=events,
        columns=AUDIT_CSV_COLUMNS,
        what="audit-trail",
        object_type="audit.auditevent",
        filters=request.GET,
    )


@login_required
@require_GET
def audit_verify_download(request: HttpRequest) -> HttpResponse:
    """`/audit/verify/download/`: the verification of `/audit/verify/` as a JSON file to keep as evidence."""
    _require_audit_reader(request.user)
    audit.seal_pending()
    report = audit.verify_chain()
    now = timezone.now()
    result = {
        "verified_at": now.isoformat(),
        "verified_by": request.user.username,
        "intact": report.intact,
        "summary": str(report),
        "events_checked": report.checked,
        "broken_event_id": report.broken_event_id,
        "problem": report.problem,
        "pending_sealing": report.unsealed,
        "checkpoint": report.checkpoint,
    }
    with transaction.atomic():
        audit.record(
            actor=request.user,
            verb="audit.verification_exported",
            object_type="audit.auditevent",
            object_id="chain",
            after={"intact": report.intact, "events_checked": report.checked},
        )
    response = JsonResponse(result, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="audit-verification-{now:%Y%m%d-%H%M}.json"'
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "errors/404.html", {"error": exception}, status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    errors.log_denial(request, exception)
    return render(request, "errors/403.html", {"error": exception}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # A plain template context: the layout's context processors may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render({}), status=500)
