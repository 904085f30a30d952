"""The post-mortem page (issue 19, item 6): `/incidents/<pk>/post-mortem/`. Everyone who sees the incident reads
it: the trust impact facts (frozen with the assessment, and as of now), the root-cause analysis (its whys and
corrective actions are written on the RCA's page), lessons and actions. Who runs the incident writes it while it
is open, mitigated or resolved (a POST from anyone else: 403 before the form is read; after: 409), and opens
the RCA (`how=root_cause`) on one of the incident's processes."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from exceptions.models import Process
from incidents.selectors import incidents as selectors
from incidents.selectors import trust
from incidents.services import post_mortem as services
from intimacy_ops import access
from intimacy_ops.forms import handle_form

AREA = forms.Textarea(attrs={"rows": 5})


class PostMortemForm(forms.Form):
    trust_assessment = forms.CharField(
        required=False, max_length=services.TEXT_LIMIT, widget=AREA, label="Trust impact assessment"
    )
    lessons = forms.CharField(required=False, max_length=services.TEXT_LIMIT, widget=AREA, label="Lessons")
    actions = forms.CharField(
        required=False, max_length=services.TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3}),
        label="Other actions (beyond the RCA's corrective actions)",
    )  # fmt: skip


class RootCauseForm(forms.Form):
    process = forms.ModelChoiceField(queryset=Process.objects.none(), label="Process")
    problem = forms.CharField(
        required=False, max_length=4000, label="Problem statement (default: the incident)"
    )

    def __init__(self, *args, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        named = incident.processes.order_by("name")
        self.fields["process"].queryset = named if named.exists() else Process.objects.order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def post_mortem(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_for_page(request.user, pk)
    if request.method == "POST":
        access.require(request.user, "change", incident)
    record = trust.post_mortem_of(incident)
    opening = request.POST.get("how") == "root_cause"
    data = request.POST if request.method == "POST" else None
    initial = {name: getattr(record, name) for name in services.FIELDS} if record else {}
    form = PostMortemForm(None if opening else data, initial=initial)
    cause_form = RootCauseForm(data if opening else None, incident=incident)
    here = reverse("incidents:post-mortem", args=[incident.pk])

    def act(cleaned: dict) -> tuple[str, str]:
        if opening:
            services.open_root_cause(incident=incident, actor=request.user, **cleaned)
            return "Root-cause analysis opened: write its whys and actions on its page.", here + "#root-cause"
        services.write(incident=incident, actor=request.user, **cleaned)
        return "Post-mortem saved.", here

    def page(status: int) -> HttpResponse:
        context = {
            "incident": incident,
            "post_mortem": record,
            "facts": record.facts if record and record.facts else None,
            "live": trust.compute(incident),
            "missing": trust.missing_to_review(incident),
            "may_write": bool(access.allowed_in_scope(request.user, "change", incident))
            and incident.status in services.WRITABLE,
            "form": form,
            "cause_form": cause_form,
            "currency": settings.CURRENCY,
        }
        return render(request, "incidents/post_mortem.html", context, status=status)

    return handle_form(request, cause_form if opening else form, act=act, page=page)
