"""Bulk acts on a work list (issue 18, "Queues"): several rows ticked, one confirmation, one result naming
every refusal.

    selection = bulk.SelectionForm(request.POST)             # ids (checkboxes), `confirmed` after the check
    result = bulk.run(rows, act, label=lambda r: r.title, verb="approved", asked=ids)
    messages.add_message(request, result.level, result.message)   # "7 approved, 1 refused: …"

Each row goes through the act one at a time — the service, hence `lifecycle.apply`, the access rule, the
409 and the audit event, exactly as one by one — each in the service's own `atomic` (a savepoint in the run's
one transaction): one refusal never undoes the others. What it costs is what the service costs per item (an
exceptions decision: 11 queries, 13 with its savepoint), the after-commit work once for the whole run.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.db import transaction

from intimacy_ops import errors

MAX_ITEMS = 500  # a page is 25 rows; an API caller or a long "select all" stays bounded
NAMED = 5  # up to this many done rows are named in the result; every refused one always is


class SelectionField(forms.Field):
    """The ticked rows' ids (`<input type=checkbox name=ids>` repeated), in the order given, once each."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Tick at least one row.",
        "invalid": "A selected row is not one of this list's.",
        "too_many": f"Select at most {MAX_ITEMS} rows at a time.",
    }

    def to_python(self, value) -> list[int]:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        ids: list[int] = []
        for raw in values:
            if not str(raw).isdigit() or not 0 < int(raw) < 2**31:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if int(raw) not in ids:
                ids.append(int(raw))
        if len(ids) > MAX_ITEMS:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many")
        return ids


class SelectionForm(forms.Form):
    ids = SelectionField(label="Selected rows")
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


@dataclass
class Result:
    verb: str  # what a done row became: "approved", "acknowledged"
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (row, why)

    @property
    def message(self) -> str:
        text = f"{len(self.done)} {self.verb}"
        if 0 < len(self.done) <= NAMED:
            text += f" ({', '.join(self.done)})"
        if self.refused:
            reasons = "; ".join(f"{name}: {why}" for name, why in self.refused)
            text += f", {len(self.refused)} refused — {reasons}"
        return text + "."

    @property
    def level(self) -> int:
        return messages.WARNING if self.refused else messages.SUCCESS


def run(
    rows: Iterable,
    act: Callable[[object], object],
    *,
    label: Callable[[object], str],
    verb: str,
    asked: Iterable[int] = (),
    missing: str = "not found among what you may see",
) -> Result:
    """`act(row)` for each row; `act` is a service in its own `transaction.atomic()` (each of ours is), so a
    refusal undoes that row's act only. A domain error (403, 409, a bad field) refuses
    that row with its message. Ids `asked` that name no row of `rows` are refused as `#id: missing`."""
    result = Result(verb=verb)
    found = set()
    # One transaction around the whole act, each row's service a savepoint inside it (its own `atomic`): a
    # refusal rolls back that row only, and the run commits once — the after-commit work (sealing the audit
    # chain, sending the notices) runs once for every row rather than once per row (200 rows on SQLite: 400
    # commits become one).
    with transaction.atomic():
        for row in rows:
            found.add(row.pk)
            try:
                act(row)
            except errors.DomainError as problem:
                result.refused.append((label(row), problem.message))
            else:
                result.done.append(label(row))
    result.refused.extend((f"#{pk}", missing) for pk in asked if pk not in found)
    return result
