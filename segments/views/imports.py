"""Import pages: upload a file, follow its run, download the rejected rows to correct them.

For operations leads and data stewards (others get 403). The upload is stored and imported by a
Celery worker; the run's page polls a small progress partial with htmx until the run is over.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from intimacy_ops import errors
from intimacy_ops.forms import add_domain_errors
from segments import imports  # noqa: F401  (the navigation entry)
from segments.forms_import import ImportUploadForm
from segments.imports import selectors, service
from segments.models import ImportRun

RUNS_PER_PAGE = 20
REJECTED_PER_PAGE = 25
ACTIVE = (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)


def _took(run: ImportRun) -> str:
    if not (run.started_at and run.finished_at):
        return ""
    seconds = (run.finished_at - run.started_at).total_seconds()
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s"


def _progress(run: ImportRun) -> dict:
    percent = 100 if run.status == ImportRun.Status.DONE else 0
    if run.status in (ImportRun.Status.RUNNING, ImportRun.Status.FAILED) and run.total_bytes:
        percent = min(99, int(run.processed_bytes * 100 / run.total_bytes))
    return {"run": run, "active": run.status in ACTIVE, "percent": percent, "took": _took(run)}


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    runs = selectors.runs_for(request.user)
    form = ImportUploadForm()
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                run = service.queue_import(
                    actor=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
                )
            except errors.ValidationFailed as invalid:
                add_domain_errors(form, invalid)
            else:
                messages.success(
                    request, f"{run.filename} is queued for import: this page follows its progress."
                )
                return redirect("segments:import-detail", pk=run.pk)
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "segments/imports/list.html",
        {
            "form": form,
            "page": page,
            "columns": ImportUploadForm.columns_help(),
            "max_size": service.MAX_UPLOAD_BYTES,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for(request.user, pk)
    rows = selectors.rejected_rows(request.user, run)
    rejected = Paginator(rows, REJECTED_PER_PAGE).get_page(request.GET.get("page"))
    # Sensitive cells masked unless the reader may see that customer's (then access-logged, like the CSV).
    selectors.shown_cells(request.user, rejected.object_list, run.kind)
    for row in rejected.object_list:
        row.key = f"{row.data.get('source') or '?'}:{row.data.get('external_id') or '?'}"
        row.cells = [(name, value) for name, value in row.shown.items() if value not in ("", None)]
    context = _progress(run) | {"rejected": rejected, "columns": ImportUploadForm.columns_help()}
    return render(request, "segments/imports/detail.html", context)


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial the run's page polls; once the run is over, the page reloads to show the results."""
    run = selectors.run_for(request.user, pk)
    context = _progress(run)
    response = render(request, "segments/imports/_progress.html", context)
    if not context["active"] and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def rejected_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The rejected rows as CSV: the file's columns and an `errors` column; fix them and upload the file again."""
    run = selectors.run_for(request.user, pk)
    response = StreamingHttpResponse(
        selectors.rejected_csv(request.user, run), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-{run.kind}-rejected.csv"'
    return response
