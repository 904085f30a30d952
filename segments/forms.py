"""The segments pages' forms: they parse and check input; the services decide and write."""

import re
from decimal import Decimal

from django import forms

from intimacy_ops import access, parsers
from intimacy_ops.accounts.models import User
from segments.case_rows import human_minutes
from segments.models import Segment, SlaPolicy
from segments.selectors.tiers import escalation_roles

CENTS = Decimal("0.01")
MONEY_INPUT = {"step": "any", "min": "0", "inputmode": "decimal"}


# --- list filters (GET) ---------------------------------------------------------------------------------


class CustomerFilterForm(forms.Form):
    """What only the customers page asks (segment and region are the API's, segments/filters.py)."""

    q = forms.CharField(required=False, max_length=100, strip=True)
    manager = forms.ModelChoiceField(queryset=User.objects.none(), required=False, to_field_name="username")
    mine = forms.BooleanField(required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = access.visible(user, User)

    def filters(self) -> dict:
        """The valid filters; a value that does not parse is ignored rather than failing the page."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "manager": data.get("manager"),
            "mine": bool(data.get("mine")),
        }


class CaseFilterForm(forms.Form):
    """What only the cases page asks (the other filters are the API's, segments/filters.py)."""

    STATUSES = [("open", "Open"), ("resolved", "Resolved"), ("all", "All")]
    # Any of these in the query says which cases (open or closed) are wanted: no default to "open".
    SAYS_WHICH = ("status", "open", "closed_after", "closed_before")

    q = forms.CharField(required=False, max_length=100, strip=True)
    status = forms.ChoiceField(choices=STATUSES, required=False)

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        says = any(name in self.data for name in self.SAYS_WHICH)
        return {
            "q": data.get("q") or "",
            # Nothing said about open or closed: the open cases, which is what people come for.
            "status": data.get("status") or ("all" if says else "open"),
        }


# --- customer: segment lock -------------------------------------------------------------------------------


class LockForm(forms.Form):
    segment = forms.ModelChoiceField(queryset=Segment.objects.order_by("rank"), empty_label=None)
    reason = forms.CharField(
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Why this customer belongs in this tier"}),
        error_messages={"min_length": "Say why, in at least 10 characters: the lock overrides the rules."},
    )


class UnlockForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": "Optional: why the rules should decide again"}),
    )


# --- tiers: what-if and apply -----------------------------------------------------------------------------

WHAT_IF_FIELDS = {
    # field: (column label, form field factory); SHORT_LABELS label the inputs on a phone
    "min_annual_revenue": (
        "Min. annual revenue",
        lambda: forms.DecimalField(
            min_value=0, max_digits=14, decimal_places=2, widget=forms.NumberInput(attrs=MONEY_INPUT)
        ),
    ),
    "min_strategic_value": (
        "Min. strategic value",
        lambda: forms.IntegerField(min_value=1, max_value=5, widget=forms.NumberInput(attrs={"step": 1})),
    ),
    "min_lifetime_value": (
        "Min. lifetime value",
        lambda: forms.DecimalField(
            min_value=0, max_digits=14, decimal_places=2, widget=forms.NumberInput(attrs=MONEY_INPUT)
        ),
    ),
    "min_support_complexity": (
        "Min. support complexity",
        lambda: forms.IntegerField(min_value=1, max_value=5, widget=forms.NumberInput(attrs={"step": 1})),
    ),
    "capacity": (
        "Capacity",
        lambda: forms.IntegerField(min_value=0, widget=forms.NumberInput(attrs={"step": 1})),
    ),
}


SHORT_LABELS = {
    "min_annual_revenue": "Revenue ≥",
    "min_strategic_value": "Strategic ≥",
    "min_lifetime_value": "Lifetime ≥",
    "min_support_complexity": "Complexity ≥",
    "capacity": "Capacity",
}


def plain_number(value):
    """5000000.00 → 5000000 in an input; 12.50 stays 12.50."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _as_number(value):
    """A proposal's "300000.00" back into the form as 300000 (a value that is not a number stays as sent)."""
    try:
        return plain_number(Decimal(str(value)))
    except ArithmeticError:
        return value


class WhatIfForm(forms.Form):
    """Proposed thresholds and capacity for every tier, pre-filled with today's; the proposal is what differs."""

    def __init__(self, *args, segments: list[Segment], **kwargs):
        super().__init__(*args, **kwargs)
        self.segments = segments
        for segment in segments:
            for name, (label, make) in WHAT_IF_FIELDS.items():
                field = make()
                field.label = f"{label} of {segment.name}"
                field.initial = plain_number(getattr(segment, name))
                field.widget.attrs.update({"aria-label": field.label, "data-initial": str(field.initial)})
                self.fields[self.key(segment, name)] = field

    @staticmethod
    def key(segment: Segment, name: str) -> str:
        return f"s{segment.pk}-{name}"

    @classmethod
    def from_proposal(cls, proposal, *, segments: list[Segment], bound: bool = False) -> "WhatIfForm":
        """The form as it was when a preview was made: unbound (to preview again after a refusal, with no
        error shown before the person acts), or bound (to work out that preview again)."""
        values = {
            cls.key(s, name): plain_number(getattr(s, name)) for s in segments for name in WHAT_IF_FIELDS
        }
        by_id = {s.pk: s for s in segments}
        for item in proposal if isinstance(proposal, list) else []:
            segment = by_id.get(item.get("id")) if isinstance(item, dict) else None
            if segment is None:
                continue
            for name in WHAT_IF_FIELDS:
                if name in item:
                    values[cls.key(segment, name)] = _as_number(item[name])
        if bound:
            return cls(values, segments=segments)
        form = cls(segments=segments)
        for key, value in values.items():
            form.fields[key].initial = value
        return form

    def rows(self) -> list[dict]:
        return [
            {
                "segment": s,
                "fields": [(SHORT_LABELS[name], self[self.key(s, name)]) for name in WHAT_IF_FIELDS],
            }
            for s in self.segments
        ]

    @staticmethod
    def columns() -> list[str]:
        return [label for label, _ in WHAT_IF_FIELDS.values()]

    def clean(self):
        data = super().clean()
        if not self.errors and not self.proposal():
            raise forms.ValidationError(
                "Change at least one threshold or capacity to see what it would do.", code="unchanged"
            )
        return data

    def proposal(self) -> list[dict]:
        """Only what differs from today, money to the cent: the exact body `classification.preview` takes."""
        proposal = []
        for segment in self.segments:
            changes = {}
            for name in WHAT_IF_FIELDS:
                value = self.cleaned_data.get(self.key(segment, name))
                if value is None:
                    continue
                if isinstance(value, Decimal):
                    value = value.quantize(CENTS)
                if value != getattr(segment, name):
                    changes[name] = str(value) if isinstance(value, Decimal) else value
            if changes:
                proposal.append({"id": segment.pk, **changes})
        return proposal


class ApplyForm(forms.Form):
    proposal = forms.CharField(widget=forms.HiddenInput)
    fingerprint = forms.CharField(max_length=64, widget=forms.HiddenInput)
    reason = forms.CharField(
        min_length=10,
        max_length=1000,
        label="Why are you making this change?",
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "Recorded in the audit trail with the change"}
        ),
        error_messages={"min_length": "Say why, in at least 10 characters: it goes into the audit trail."},
    )

    def clean_proposal(self):
        try:
            proposal = parsers.loads(self.cleaned_data["proposal"])
        except ValueError:
            raise forms.ValidationError("The preview was damaged in transit: preview again.") from None
        if not isinstance(proposal, list):
            raise forms.ValidationError("The preview was damaged in transit: preview again.")
        return proposal


# --- SLA policy -----------------------------------------------------------------------------------------


_DURATION_PART = re.compile(r"(\d+)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m)?", re.I)
_UNIT_MINUTES = {"d": 1440, "h": 60, "m": 1}


class DurationField(forms.Field):
    """A target as the SLA matrix shows it: "4 h", "1 d 4 h", "90 min" (a bare number is minutes). Cleaned to
    minutes; shown back in the matrix's words (issue 18, defect 10: edited in minutes, shown in hours and days)."""

    widget = forms.TextInput(
        attrs={"inputmode": "text", "autocomplete": "off", "placeholder": "e.g. 4 h, 1 d 4 h"}
    )

    def prepare_value(self, value):
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return human_minutes(int(value)).replace("\u00a0", " ")
        return value

    def to_python(self, value):
        text = (value or "").strip().replace("\u00a0", " ")
        if not text:
            return None
        parts = list(_DURATION_PART.finditer(text))
        if not parts or _DURATION_PART.sub("", text).strip(" ,"):
            raise forms.ValidationError("Write it as minutes, hours and days: 90 min, 4 h, 1 d 4 h.")
        minutes = sum(int(part[1]) * _UNIT_MINUTES[(part[2] or "m")[0].lower()] for part in parts)
        if minutes < 1:
            raise forms.ValidationError("At least one minute.")
        return minutes


class SlaPolicyForm(forms.Form):
    MIN_STEPS = 3

    first_response_minutes = DurationField(label="First response within")
    resolution_minutes = DurationField(label="Resolution within")
    clock = forms.ChoiceField(choices=SlaPolicy.Clock.choices, label="Clock")
    update_interval_minutes = DurationField(
        required=False,
        label="Proactive update every",
        help_text="Tell the customer about progress at least this often; empty for no commitment.",
    )
    equity_reason = forms.CharField(
        required=False,
        max_length=1000,
        label="Confirm with a reason",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Why this tier may get a faster target"}),
    )

    def __init__(self, *args, policy: SlaPolicy | None = None, **kwargs):
        ladder = list(policy.escalation_ladder) if policy else []
        if policy is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "first_response_minutes": policy.first_response_minutes,
                "resolution_minutes": policy.resolution_minutes,
                "clock": policy.clock,
                "update_interval_minutes": policy.update_interval_minutes,
                "equity_reason": policy.equity_exception_reason,
            }
            for number, step in enumerate(ladder, start=1):
                kwargs["initial"][f"step_{number}_after"] = step.get("after_minutes")
                kwargs["initial"][f"step_{number}_role"] = step.get("role")
        super().__init__(*args, **kwargs)
        self.step_count = max(self.MIN_STEPS, len(ladder) + 1)
        roles = [("", "—"), *escalation_roles()]
        for number in range(1, self.step_count + 1):
            self.fields[f"step_{number}_after"] = DurationField(required=False, label=f"Step {number}: after")
            self.fields[f"step_{number}_role"] = forms.ChoiceField(
                choices=roles, required=False, label=f"Step {number}: escalate to"
            )

    def steps(self) -> list[tuple]:
        return [
            (number, self[f"step_{number}_after"], self[f"step_{number}_role"])
            for number in range(1, self.step_count + 1)
        ]

    def clean(self):
        data = super().clean()
        response, resolution = data.get("first_response_minutes"), data.get("resolution_minutes")
        if response and resolution and resolution < response:
            self.add_error("resolution_minutes", "Resolution cannot be due before the first response.")
        for number in range(1, self.step_count + 1):
            after, role = data.get(f"step_{number}_after"), data.get(f"step_{number}_role")
            if after and not role:
                self.add_error(f"step_{number}_role", "Choose who the case escalates to.")
            elif role and not after:
                self.add_error(f"step_{number}_after", "Say after how many minutes.")
        return data

    def values(self) -> dict:
        """The policy's fields as `sla_policies.save_policy` takes them."""
        data = self.cleaned_data
        ladder = [
            {"after_minutes": data[f"step_{number}_after"], "role": data[f"step_{number}_role"]}
            for number in range(1, self.step_count + 1)
            if data.get(f"step_{number}_after") and data.get(f"step_{number}_role")
        ]
        return {
            "first_response_minutes": data["first_response_minutes"],
            "resolution_minutes": data["resolution_minutes"],
            "clock": data["clock"],
            "update_interval_minutes": data.get("update_interval_minutes"),
            "escalation_ladder": ladder,
        }
