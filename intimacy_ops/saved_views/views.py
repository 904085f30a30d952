"""Save the current query of a work list under a name (`/views/save/`), delete one (`/views/<pk>/delete/`).

A bad name is a form error on the list's own page (the list drawn again with the query the form carried,
400, nothing saved); a saved view goes back to the list it was saved on."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.views.decorators.http import require_POST

from intimacy_ops import access, errors
from intimacy_ops.forms import add_domain_errors
from intimacy_ops.saved_views import services
from intimacy_ops.saved_views.forms import SavedViewForm
from intimacy_ops.saved_views.models import SavedView


def list_url(list_key: str, query: str = "") -> str:
    return reverse(list_key) + (f"?{query}" if query else "")


def _list_page_with_errors(request: HttpRequest, form: SavedViewForm, list_key: str) -> HttpResponse:
    """The list page as it was, the save form showing its errors (400)."""
    query = services.clean_query(request.POST.get("query", ""))
    match = resolve(reverse(list_key))
    request.method = "GET"
    request.GET = QueryDict(query)
    request.saved_view_form = form
    response = match.func(request, *match.args, **match.kwargs)
    response.status_code = 400
    return response


@login_required
@require_POST
def save_view(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    list_key = request.POST.get("list_key", "")
    if list_key not in services.QUEUES:
        raise errors.ValidationFailed({"list_key": ["This list has no saved views."]})
    if form.is_valid():
        data = form.cleaned_data
        try:
            view = services.save_view(
                user=request.user, list_key=list_key, name=data["name"], query=data["query"]
            )
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, f"Saved the view “{view.name}”.")
            return redirect(list_url(view.list_key, view.query))
    return _list_page_with_errors(request, form, list_key)


@login_required
@require_POST
def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    view = access.get_visible(request.user, SavedView, pk=pk)
    services.delete_view(user=request.user, view=view)
    messages.success(request, f"Deleted the view “{view.name}”.")
    return redirect(list_url(view.list_key, services.clean_query(request.POST.get("query", ""))))
