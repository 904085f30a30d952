"""Form helpers shared by every app's pages."""

import html
from collections.abc import Callable

from django import forms
from django.contrib import messages as django_messages
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


class LongSelect(forms.Select):
    """A `<select>` drawn in Python, the same HTML as Django's select template: for long lists (a filter of
    every customer an account manager has asked for), where Django's one template per option cost about a
    millisecond per ten options."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            parts.extend(
                f'\n  <option value="{_escape(option["value"])}"{flatatt(option["attrs"]) if option["attrs"] else ""}>'
                f"{_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value escaped: format_html or _escape)


def _escape(value) -> str:
    """`conditional_escape` without its lazy wrapper (thousands of options): safe strings stay as they are."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
