"""Form helpers shared by every app's pages."""

import html
from collections.abc import Callable
from functools import cache

from django import forms
from django.contrib import messages as django_messages
from django.forms.widgets import Input
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_filters.widgets import BooleanWidget

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
        choices = list(iter(self.choices))  # once (a model field's choices are a query), without a COUNT
        if not self.allow_multiple_selected and not any(
            isinstance(label, list | tuple) for _, label in choices
        ):
            return self._render_flat(name, value, attrs, choices)
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            parts.extend(
                f'\n  <option value="{_escape(option["value"])}"{_attrs(option["attrs"]) if option["attrs"] else ""}>'
                f"{_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value escaped: format_html or _escape)

    def _render_flat(self, name, value, attrs, choices: list) -> str:
        """One level of options (no groups, one value): what `optgroups` would give, without a dict and a
        normalization per option (an account manager's customer filter holds over a thousand)."""
        # The base widget's context: name, value and attrs, without building the options.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        wanted, chosen = set(widget["value"]), False
        parts = [f'<select name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        escape = html.escape
        for option, label in choices:
            shown = "" if option is None else str(option)
            selected = not chosen and shown in wanted
            chosen = chosen or selected
            # Plain strings escaped directly, a number as it is (nothing to escape): `_escape` for the rest.
            value_html = (
                shown if type(option) is int else escape(shown) if type(shown) is str else _escape(shown)
            )
            label_html = escape(label) if type(label) is str else _escape(label)
            parts.append(
                f'\n  <option value="{value_html}"{" selected" if selected else ""}>{label_html}</option>\n'
            )
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value escaped: _escape)


class LongBooleanSelect(BooleanWidget, LongSelect):
    """django-filter's yes/no/any select (its value mapping), drawn in Python like `LongSelect`."""


class DrawnInput(Input):
    """A text, number or date `<input>` drawn in Python, the same HTML as Django's input template: a list's
    filter bar drew each field, option and attribute through its own template (~80 templates a page)."""

    def render(self, name, value, attrs=None, renderer=None):
        return _input(self.get_context(name, value, attrs)["widget"])


class DrawnCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes whose each box's `<input>` (`{{ box.tag }}` in a template) is drawn in Python, the same HTML
    as Django's option template draws without its label: a filter bar's status boxes were three templates a
    box. The whole widget (`{{ field }}`, boxes wrapped in labels) is still Django's."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        if template_name == self.option_template_name and not widget.get("wrap_label"):
            return _input(widget)
        return super()._render(template_name, context, renderer)


def _input(widget: dict) -> str:
    """Django's input.html in Python, from a widget's template context."""
    shown = "" if widget["value"] is None else f' value="{_escape(widget["value"])}"'
    return mark_safe(  # noqa: S308  (every value escaped: _escape or _attrs)
        f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def drawn_in_python(widget: forms.Widget) -> forms.Widget:
    """The same widget drawn by `LongSelect` / `LongBooleanSelect` / `DrawnInput` / `DrawnCheckboxSelectMultiple`
    when it is a plain select, a yes/no select, a single-value input or checkboxes (anything else is returned as
    it is): same attributes, choices and value handling, same HTML, no template per option."""
    if type(widget) is forms.Select:
        widget.__class__ = LongSelect
    elif type(widget) is BooleanWidget:
        widget.__class__ = LongBooleanSelect
    elif type(widget) is forms.CheckboxSelectMultiple:
        widget.__class__ = DrawnCheckboxSelectMultiple
    elif isinstance(widget, Input) and not isinstance(widget, forms.FileInput | forms.MultipleHiddenInput):
        widget.__class__ = _drawn(type(widget))
    return widget


@cache
def _drawn(kind: type) -> type:
    return type(f"Drawn{kind.__name__}", (DrawnInput, kind), {})


def _attrs(attrs: dict) -> str:
    """Django's attrs.html in Python: in the dict's order, `True` bare, `False` left out, anything else quoted."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _escape(value) -> str:
    """`conditional_escape` without its lazy wrapper (thousands of options): safe strings stay as they are."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
