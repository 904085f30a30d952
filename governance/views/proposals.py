"""Proposals by hand in the browser (issue 17, item 1): "Propose sunset of these N" on the filtered exceptions
list and on a process's page leads to a confirmation page listing them, with the kind and a reason; sending it
opens the review (governance/services/proposing.py) and shows it. A refusal shows on the form."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from exceptions.models import ExceptionRequest
from exceptions.views.lists import exception_listing
from governance.access_rules.proposals import proposable_exceptions
from governance.models import Review
from governance.services import proposing
from intimacy_ops import access, errors
from intimacy_ops.forms import add_domain_errors

ACTIVE = ExceptionRequest.Status.ACTIVE
MOST = 500  # one proposal covers at most this many exceptions


def _selection(user, rows):
    return rows.filter(status=ACTIVE, pk__in=proposable_exceptions(user).values("pk"))


def propose_link(user, rows, querystring: str):
    """The exceptions hook: "Propose sunset of these N" when the selection is N active exceptions of one process
    in the user's regions and the user may propose (two small queries)."""
    if not access.allowed(user, "propose", Review):
        return None
    # (pk, process): the list's rows may be DISTINCT, and a process alone would collapse to one row.
    found = list(_selection(user, rows).order_by().values_list("pk", "process_id")[: MOST + 1])
    if not found or len(found) > MOST or len({process for _, process in found}) != 1:
        return None
    return (
        f"Propose sunset of these {len(found)}",
        f"/governance/proposals/new/?{querystring}",
        "propose-sunset",
    )


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            (Review.Kind.SUNSET, "Sunset them"),
            (Review.Kind.STANDARDIZATION, "Fold them into the standard"),
        ],
        initial=Review.Kind.SUNSET,
        widget=forms.RadioSelect,
        label="Proposal",
    )
    deviation_tag = forms.CharField(
        max_length=50, required=False, label="Tag of the standard option", help_text="Standardization only."
    )
    reason = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why: the board and the process owner read it.",
    )
    exceptions = forms.TypedMultipleChoiceField(coerce=int, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exceptions"].choices = [(pk, pk) for pk in ids]
        self.fields["exceptions"].initial = ids


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(user, "propose", Review)
    found = exception_listing(request)
    rows = (
        list(_selection(user, found.rows).select_related("customer__region", "process")[: MOST + 1])
        if found.valid
        else []
    )
    processes = {exception.process for exception in rows}
    ids = [exception.pk for exception in rows]
    form = ProposalForm(request.POST or None, ids=ids)
    status = 200 if found.valid else 400
    if request.method == "POST" and len(processes) == 1:
        status = 400
        if form.is_valid():
            try:
                review = proposing.propose(actor=user, process=processes.pop(), **form.cleaned_data)
            except errors.ValidationFailed as failed:
                add_domain_errors(form, failed)
            except (errors.Conflict, errors.NotFound) as refused:
                form.add_error(None, refused.message)
                status = 409 if isinstance(refused, errors.Conflict) else 404
            else:
                messages.success(request, f"Proposed to {review.board.name}: “{review.title}”.")
                return redirect(review.get_absolute_url())
    context = {
        "form": form,
        "rows": rows[:MOST],
        "too_many": len(rows) > MOST,
        "processes": sorted(processes, key=lambda process: process.name),
        "querystring": request.GET.urlencode(),
    }
    return render(request, "governance/proposal_new.html", context, status=status)
