"""Playbooks in the browser: `/keyaccounts/playbooks/` (each tier's versions, the one in force marked), the
edit page (a new version from an effective date, its plays as a formset), and marking a play done or skipping
it from the customer's page (htmx: the card comes back; without JavaScript: back to the page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intimacy_ops import access, errors
from intimacy_ops.forms import add_domain_errors
from keyaccounts.models import Playbook
from keyaccounts.playbooks import selectors, services
from keyaccounts.playbooks.forms import PlayFormSet, VersionForm, initial_plays, plays_of
from segments.models import Segment

PAGE_SIZE = 20


@login_required
@require_GET
def playbook_list(request: HttpRequest) -> HttpResponse:
    tiers = selectors.tiers_with_versions(request.user)
    page = Paginator(tiers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "keyaccounts/playbooks/list.html",
        {
            "page": page,
            "may_edit": bool(access.allowed(request.user, "create", Playbook)),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def playbook_edit(request: HttpRequest, segment_id: int) -> HttpResponse:
    segment = access.get_visible(request.user, Segment, pk=segment_id)
    access.require(request.user, "create", Playbook)
    latest = selectors.latest_version(segment)
    status = 200
    if request.method == "POST":
        form, formset = VersionForm(request.POST), PlayFormSet(request.POST, prefix="plays")
        if form.is_valid() and formset.is_valid():
            try:
                playbook = services.publish_version(
                    actor=request.user,
                    segment=segment,
                    effective_on=form.cleaned_data["effective_on"],
                    note=form.cleaned_data["note"],
                    plays=plays_of(formset),
                )
            except errors.ValidationFailed as problem:
                add_domain_errors(form, problem)
            else:
                messages.success(
                    request,
                    f"{segment.name} playbook v{playbook.version} published: in effect from "
                    f"{playbook.effective_on:%d %B %Y}.",
                )
                return redirect("keyaccounts:playbooks")
        status = 400
    else:
        form = VersionForm()
        formset = PlayFormSet(initial=initial_plays(latest), prefix="plays")
    return render(
        request,
        "keyaccounts/playbooks/edit.html",
        {"segment": segment, "latest": latest, "form": form, "formset": formset},
        status=status,
    )


@login_required
@require_POST
def play_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a play done (or skip it: `action=skip`, the note says why) from the customer's page."""
    play_due = access.get_visible(request.user, selectors.plays_due(request.user), pk=pk)
    access.require(request.user, "mark_done", play_due)
    skipping = request.POST.get("action") == "skip"
    act = services.skip if skipping else services.mark_done
    problem = None
    try:
        act(actor=request.user, play_due=play_due, note=request.POST.get("note", ""))
    except errors.ValidationFailed as failed:
        problem = " ".join(m for ms in failed.fields.values() for m in ms) or failed.message
    if not request.headers.get("HX-Request"):
        if problem:
            messages.error(request, problem)
        else:
            messages.success(request, f"“{play_due.play.title}” {'skipped' if skipping else 'done'}.")
        return redirect(f"/segments/customers/{play_due.customer_id}/#customer-playbook")
    context = selectors.customer_card(request.user, play_due.customer)
    context.update(request=request, problem=problem, problem_play=play_due.pk if problem else None)
    html = render_to_string("keyaccounts/playbooks/_customer_playbook.html", context, request=request)
    return HttpResponse(html, status=400 if problem else 200)
