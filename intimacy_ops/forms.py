"""Form helpers shared by every app's pages."""

from django import forms

from intimacy_ops import errors


def add_domain_errors(form: forms.Form, problem: errors.ValidationFailed) -> None:
    """Show a service's field errors on the form: on the named field when the form has it, else on top."""
    for name, messages in problem.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
    if not problem.fields:
        form.add_error(None, problem.message)
