"""Form helpers shared by every app's pages."""

from collections.abc import Callable

from django import forms
from django.contrib import messages as django_messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from intimacy_ops import errors


def add_domain_errors(form: forms.Form, problem: errors.ValidationFailed) -> None:
    """Show a service's field errors on the form: on the named field when the form has it, else on top."""
    for name, messages in problem.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
    if not problem.fields:
        form.add_error(None, problem.message)


def handle_form(
    request: HttpRequest,
    form: forms.Form,
    *,
    act: Callable[[dict], tuple[str, str]],
    page: Callable[[int], HttpResponse],
) -> HttpResponse:
    """A page's form, handled one way everywhere.

    GET shows the page (200). POST validates the form, then `act(cleaned_data)` calls the one service and
    answers `(message, url)`; a service's field errors go back on the form and the page is shown again with
    them (400, nothing changed); success says the message and redirects. 403/404/409 raised by the service
    become the error pages (intimacy_ops.middleware).
    """
    if request.method != "POST":
        return page(200)
    if form.is_valid():
        try:
            message, url = act(form.cleaned_data)
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            django_messages.success(request, message)
            return redirect(url)
    return page(400)
