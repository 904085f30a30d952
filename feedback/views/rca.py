"""The RCA pages (issue 16, item 6): the board (columns by status, counts) and an RCA's page — the five whys
edited, added and reordered in place (htmx: the whys' section is swapped; without JavaScript the forms post
and come back), the root cause and contributing factors, corrective actions with due dates and overdue flags,
the linked feedback, closing the loop, the lifecycle's buttons and the timeline.

Each POST asks who runs the RCA before it reads the form (403 otherwise); a lifecycle step the state or the
RCA's parts refuse comes back as the page's error message (what is missing), nothing changed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from feedback import selectors_rca
from feedback.filters_rca import ORDERING_FIELDS, RcaFilter
from feedback.forms_rca import ActionForm, ActionStepForm, AnalysisForm, LoopForm, StepForm, WhyForm
from feedback.lifecycles import ACTIVE
from feedback.models import CorrectiveAction, RootCauseAnalysis, WhyStep
from feedback.services_rca import acts, parts
from intimacy_ops import access, errors, lifecycle, listing, sensitive
from intimacy_ops.accounts.models import User
from intimacy_ops.audit.models import AuditEvent
from intimacy_ops.forms import add_domain_errors

BAR = ["process", "region", "mine", "overdue"]


@login_required
@require_GET
def rca_board(request: HttpRequest) -> HttpResponse:
    """The board: one column per status with its count, filtered by the list's filters (the API's)."""
    found = listing.read(
        request,
        RcaFilter,
        access.visible(request.user, RootCauseAnalysis),
        orderings=listing.orderings_of(ORDERING_FIELDS),
        default="-created_at",
    )
    context = {
        "listing": found,
        "bar_fields": listing.bar_fields(found, BAR),
        "hidden_filters": listing.hidden_fields(found, BAR),
        "board": selectors_rca.board(found.rows) if found.valid else None,
        "may_open": bool(access.allowed(request.user, "create", RootCauseAnalysis)),
        "today": timezone.localdate(),
    }
    return render(request, "feedback/rca_board.html", context, status=found.status)


def _people(rca: RootCauseAnalysis):
    """Who may own a corrective action: active people of the RCA's regions (or the process owner's)."""
    regions = list(rca.regions.all()) or (list(rca.process.owner.regions.all()) if rca.process.owner else [])
    people = User.objects.filter(is_active=True)
    if regions:
        people = people.filter(Q(regions__in=regions) | Q(pk=rca.process.owner_id)).distinct()
    return people.order_by("first_name", "last_name", "username")


VERBS = {
    "rca.opened": "opened the analysis",
    "rca.updated": "edited the analysis",
    "rca.why_added": "added a why",
    "rca.why_edited": "edited a why",
    "rca.whys_reordered": "reordered the whys",
    "rca.why_removed": "removed a why",
    "rca.loop_closed": "recorded who was told",
    "rca.effectiveness_recorded": "recorded the effectiveness",
    "corrective_action.added": "added a corrective action",
    "corrective_action.start": "started a corrective action",
    "corrective_action.complete": "completed a corrective action",
    "corrective_action.cancel": "cancelled a corrective action",
}


def _timeline(rca: RootCauseAnalysis) -> list:
    action_ids = [str(a.pk) for a in rca.actions.all()]
    events = list(
        AuditEvent.objects.filter(
            Q(object_type=RootCauseAnalysis._meta.label_lower, object_id=str(rca.pk))
            | Q(object_type=CorrectiveAction._meta.label_lower, object_id__in=action_ids)
        )
        .select_related("actor")
        .order_by("-at", "-pk")[:50]
    )
    steps = lifecycle.table_of(RootCauseAnalysis).rows
    for event in events:
        step = steps.get(event.verb.removeprefix("rca."))
        event.label = VERBS.get(event.verb) or (step.label.lower() if step else event.verb)
    return events


def _shown(user, items: list) -> list:
    """The items with their text as this user may read it (masked `***` otherwise; a look is access-logged)."""
    sensitive.prime(user, items)
    for item in items:
        item.shown_text = sensitive.show(user, item, "text")
    return items


def _context(request, rca: RootCauseAnalysis, **forms) -> dict:
    user = request.user
    works = bool(access.allowed_in_scope(user, "change", rca))
    today = timezone.localdate()
    actions = list(rca.actions.all())
    for action in actions:
        action.is_open = action.status in CorrectiveAction.OPEN_STATUSES
        action.is_overdue = action.is_open and action.due_on < today
    steps = [a for a in lifecycle.actions_from(rca) if access.allowed_in_scope(user, a, rca)]
    return {
        "rca": rca,
        "active": rca.status in ACTIVE,
        "works": works and rca.status in ACTIVE,
        "may_close_loop": bool(access.allowed_in_scope(user, "close_loop", rca)) and rca.status in ACTIVE,
        "whys": list(rca.whys.all()),
        "actions": actions,
        "open_actions": sum(1 for a in actions if a.status in CorrectiveAction.OPEN_STATUSES),
        "overdue_actions": sum(
            1 for a in actions if a.status in CorrectiveAction.OPEN_STATUSES and a.due_on < today
        ),
        "steps": [(name, lifecycle.table_of(rca).rows[name].label) for name in steps],
        "missing": acts.missing_to_close(rca) if "close" in steps else [],
        "items": _shown(user, list(rca.triggering_items.all())[:50]),
        "items_count": rca.triggering_items.count(),
        "closures": list(rca.loop_closures.all()),
        "timeline": _timeline(rca),
        "today": today,
        "analysis_form": forms.get("analysis_form")
        or AnalysisForm(
            initial={
                "problem": rca.problem,
                "root_cause": rca.root_cause,
                "contributing_factors": rca.contributing_factors,
            }
        ),
        "why_form": forms.get("why_form") or WhyForm(),
        "action_form": forms.get("action_form") or ActionForm(people=_people(rca)),
        "loop_form": forms.get("loop_form") or LoopForm(),
        "step_form": forms.get("step_form") or StepForm(),
    }


def _page(request, rca, status=200, **forms) -> HttpResponse:
    rca = selectors_rca.rca_for_page(request.user, rca.pk)
    return render(request, "feedback/rca_detail.html", _context(request, rca, **forms), status=status)


@login_required
@require_GET
def rca_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors_rca.rca_for_page(request.user, pk))


def _back(rca, anchor: str) -> HttpResponse:
    return redirect(reverse("feedback:rca", args=[rca.pk]) + anchor)


def _working(request, pk: int, rule: str = "change") -> RootCauseAnalysis:
    rca = selectors_rca.rca_for_page(request.user, pk)
    access.require(request.user, rule, rca)
    return rca


@login_required
@require_POST
def rca_analysis(request: HttpRequest, pk: int) -> HttpResponse:
    rca = _working(request, pk)
    form = AnalysisForm(request.POST)
    if form.is_valid():
        try:
            acts.update_analysis(rca=rca, actor=request.user, **form.cleaned_data)
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, "Analysis saved.")
            return _back(rca, "#analysis")
    return _page(request, rca, status=400, analysis_form=form)


def _whys_partial(request, rca, form=None, status=200) -> HttpResponse:
    rca = selectors_rca.rca_for_page(request.user, rca.pk)
    context = _context(request, rca, why_form=form)
    return render(request, "feedback/_rca_whys.html", context, status=status)


@login_required
@require_POST
def rca_whys(request: HttpRequest, pk: int) -> HttpResponse:
    """Add, edit, move up or down, or remove a why; htmx swaps the whys' section, a plain post comes back."""
    rca = _working(request, pk)
    form = WhyForm(request.POST)
    htmx = request.headers.get("HX-Request") == "true"
    if form.is_valid():
        data, actor = form.cleaned_data, request.user
        why = WhyStep.objects.filter(rca=rca, pk=data.get("why")).first() if data.get("why") else None
        try:
            if data["op"] == "add":
                parts.add_why(rca=rca, actor=actor, question=data["question"], answer=data["answer"])
            elif why is None:
                raise errors.ValidationFailed(message="That why is no longer there; reload the page.")
            elif data["op"] == "edit":
                parts.edit_why(why=why, actor=actor, question=data["question"], answer=data["answer"])
            elif data["op"] in ("up", "down"):
                parts.move_why(why=why, actor=actor, by=-1 if data["op"] == "up" else 1)
            else:
                parts.remove_why(why=why, actor=actor)
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            return _whys_partial(request, rca) if htmx else _back(rca, "#whys")
    if htmx:  # htmx swaps only a success: the errors come back in a 200 with the form
        return _whys_partial(request, rca, form)
    return _page(request, rca, status=400, why_form=form)


@login_required
@require_POST
def rca_actions(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a corrective action, or start, complete (with evidence) or cancel one (its owner may too)."""
    if "step" in request.POST:
        rca = _working(request, pk, "move_actions")
        form = ActionStepForm(request.POST)
        if not form.is_valid():
            return _page(request, rca, status=400)
        found = (
            CorrectiveAction.objects.filter(rca=rca, pk=form.cleaned_data["action"])
            .select_related("rca__process")
            .first()
        )
        if found is None:
            raise errors.NotFound("No corrective action of this analysis matches that id.")
        access.require(request.user, form.cleaned_data["step"], found)
        try:
            parts.move_action(
                action=found,
                step=form.cleaned_data["step"],
                actor=request.user,
                evidence=form.cleaned_data["evidence"],
            )
        except (errors.ValidationFailed, errors.TransitionNotAllowed) as problem:
            messages.error(
                request,
                "; ".join(m for ms in getattr(problem, "fields", {}).values() for m in ms) or problem.message,
            )
        else:
            messages.success(request, f"Corrective action {found.pk}: {form.cleaned_data['step']} recorded.")
        return _back(rca, f"#action-{found.pk}")
    rca = _working(request, pk)
    form = ActionForm(request.POST, people=_people(rca))
    if form.is_valid():
        try:
            parts.add_action(rca=rca, actor=request.user, **form.cleaned_data)
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, "Corrective action added.")
            return _back(rca, "#actions")
    return _page(request, rca, status=400, action_form=form)


@login_required
@require_POST
def rca_loop(request: HttpRequest, pk: int) -> HttpResponse:
    rca = _working(request, pk, "close_loop")
    form = LoopForm(request.POST)
    if form.is_valid():
        try:
            parts.close_loop(rca=rca, actor=request.user, **form.cleaned_data)
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, "Recorded who was told.")
            return _back(rca, "#loop")
    return _page(request, rca, status=400, loop_form=form)


@login_required
@require_POST
def rca_step(request: HttpRequest, pk: int) -> HttpResponse:
    rca = _working(request, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        return _page(request, rca, status=400, step_form=form)
    name = form.cleaned_data["action"]
    try:
        acts.transition(rca=rca, action=name, actor=request.user, reason=form.cleaned_data["reason"])
    except errors.TransitionNotAllowed as refused:
        messages.error(request, refused.message)
    except errors.ValidationFailed as problem:
        form.add_error("reason", "; ".join(problem.fields.get("reason", [problem.message])))
        return _page(request, rca, status=400, step_form=form)
    else:
        messages.success(request, f"{lifecycle.table_of(rca).rows[name].label}: done.")
    return _back(rca, "")
