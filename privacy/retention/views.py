"""The retention page: each policy and what its dry run would change now (data stewards, auditors, admins)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from intimacy_ops import access, errors
from intimacy_ops.audit import AuditEvent
from privacy.access_rules import may_read_retention
from privacy.models import RetentionPolicy
from privacy.retention import kinds, service

RECENT_RUNS = 10


@login_required
@require_GET
def retention_page(request: HttpRequest) -> HttpResponse:
    if not may_read_retention(request.user):
        raise errors.PermissionDenied(
            "Retention is the data stewards' (auditors and administrators read it)."
        )
    now = timezone.now()
    policies = access.visible(request.user, RetentionPolicy).order_by("kind", "action")
    rows = [
        {"policy": policy, "plan": service.plan(policy, now=now), "kind": kinds.get(policy.kind)}
        for policy in policies
    ]
    context = {
        "rows": rows,
        "kinds": kinds.registered(),
        "runs": AuditEvent.objects.filter(verb__startswith="retention.").order_by("-id")[:RECENT_RUNS],
    }
    return render(request, "privacy/retention.html", context)
