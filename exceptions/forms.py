"""Forms of the exceptions pages: the request form in plain words, its filters, decision comments; what happens
to an active exception (costs booked, extensions asked and decided); a process owner's edits.

The form only parses what the browser sends; the rules a request obeys are the service's
(`exceptions.services.requests.validate`), whose field errors the page shows beside each field.
"""

from django import forms

from exceptions import selectors
from exceptions.models import ExceptionRequest, ProcessCategory, RiskRating
from exceptions.services import requests as request_services
from intimacy_ops import access, errors
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import people_with_role
from intimacy_ops.bulk import SelectionForm
from intimacy_ops.forms import LongSelect, add_domain_errors
from segments.models import Customer

Status = ExceptionRequest.Status
MONEY = {"max_digits": 14, "decimal_places": 2, "required": False}


class ListField(forms.CharField):
    """Sites or shifts typed as one line, separated by commas."""

    def to_python(self, value):
        text = super().to_python(value)
        return [part.strip() for part in text.split(",") if part.strip()]

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value


class ExceptionRequestForm(forms.Form):
    """What an account manager fills in to ask for an exception, labelled as they would say it."""

    customer = forms.ModelChoiceField(
        queryset=Customer.objects.none(),
        label="Customer",
        empty_label="Choose one of your customers…",
        widget=LongSelect,
    )
    process = forms.ModelChoiceField(
        queryset=selectors.Process.objects.none(),
        label="Standard process it deviates from",
        empty_label="Choose a process…",
    )
    title = forms.CharField(max_length=200, label="Short title", required=False)
    deviation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What will be done differently, and how",
        required=False,
    )
    justification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Why the business needs it", required=False
    )
    kind = forms.ChoiceField(
        choices=[("", "Choose…"), *ExceptionRequest.Kind.choices], label="How long", required=False
    )
    permanent_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why the standard itself cannot change (permanent only)",
        required=False,
    )
    starts_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="Starts on", required=False
    )
    expires_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="Ends on", required=False
    )
    estimated_one_off_cost = forms.DecimalField(**MONEY, label="One-off cost (estimate)")
    estimated_monthly_cost = forms.DecimalField(**MONEY, label="Monthly cost (estimate)")
    revenue_at_risk = forms.DecimalField(**MONEY, label="Revenue at risk without it")
    risk_rating = forms.ChoiceField(choices=RiskRating.choices, label="Risk", initial=RiskRating.LOW)
    scope_regions = forms.ModelMultipleChoiceField(
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Regions",
    )
    scope_sites = ListField(required=False, label="Sites", help_text="Separate with commas.")
    scope_shifts = ListField(required=False, label="Shifts", help_text="Separate with commas.")
    handling_procedure = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What each shift and location does to carry it out",
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Only the customers she manages: the service would refuse any other.
        self.fields["customer"].queryset = (
            access.visible(user, Customer)
            .filter(account_manager=user)
            .select_related("region")
            .order_by("name")
        )
        self.fields["process"].queryset = selectors.processes_for(user).order_by("name")
        self.fields["scope_regions"].queryset = Region.objects.filter(users=user).order_by("code")

    def values(self) -> dict:
        """The cleaned values in the service's vocabulary (empty costs count as zero)."""
        data = dict(self.cleaned_data)
        for name in request_services.COSTS:
            if data.get(name) is None:
                data.pop(name, None)
        data["scope_regions"] = list(data.get("scope_regions") or [])
        return data

    def check_rules(self) -> bool:
        """Parse, then apply every business rule; each problem lands on its field. Nothing is written."""
        if not self.is_valid():
            return False
        try:
            request_services.validate(self.user, self.values())
        except errors.ValidationFailed as problem:
            self.add_problem(problem)
            return False
        return True

    def add_problem(self, problem: errors.ValidationFailed) -> None:
        add_domain_errors(self, problem)


def initial_from(exception: ExceptionRequest) -> dict:
    """A saved request as the form's initial values."""
    initial = {name: getattr(exception, name) for name in request_services.FIELDS if name != "scope_regions"}
    initial["scope_regions"] = list(exception.scope_regions.all())
    return initial


class DecisionForm(forms.Form):
    """An operations lead's decision on a request routed to them; the comment is read by the requester."""

    action = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject"), ("return_for_changes", "Return for changes")]
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        label="Comment for the requester",
        help_text="Required when you reject or return it.",
    )


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, withdraw this request",
        error_messages={"required": "Tick the box to confirm the withdrawal."},
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000, label="Why (optional)"
    )


class DiscardForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, discard this draft",
        error_messages={"required": "Tick the box to confirm: a discarded draft cannot be brought back."},
    )


class CostForm(forms.Form):
    incurred_on = forms.DateField(label="Incurred on", widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label="Amount", max_digits=14, decimal_places=2, min_value=0)
    note = forms.CharField(label="Note", required=False, max_length=500, help_text="What it paid for.")


class ExtensionForm(forms.Form):
    new_expires_on = forms.DateField(label="Run until", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label="Why it must run longer",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The operations lead (or the board, beyond the region's maximum) reads this.",
    )


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to reject.",
    )


def _options(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ProcessForm(forms.Form):
    name = forms.CharField(max_length=120)
    category = forms.ChoiceField(choices=ProcessCategory.choices)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="Nobody yet")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    standard_option_customers = forms.IntegerField(
        label="Customers with alike exceptions before a standard option is proposed",
        min_value=1,
        max_value=10000,
    )
    controlled = forms.BooleanField(
        label="Under change control",
        required=False,
        help_text="A new version that changes the procedure or removes an option needs the board's approval.",
    )
    restandardize_months = forms.IntegerField(
        label="Board reviews its active exceptions every (months)", min_value=1, max_value=60
    )

    def __init__(self, *args, may_control: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_with_role(Role.PROCESS_OWNER).order_by("username")
        for name in ("controlled", "restandardize_months"):
            self.fields[name].disabled = not may_control  # an administrator's: shown, not editable


class VersionForm(forms.Form):
    procedure = forms.CharField(
        label="Standard operating procedure", widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    standard_options = forms.CharField(
        label="Standard options (one per line)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    effective_on = forms.DateField(
        label="Effective from",
        required=False,
        help_text="Empty: today.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    change_note = forms.CharField(label="What changed, and why", required=False, max_length=500)

    def clean_standard_options(self):
        return _options(self.cleaned_data.get("standard_options"))


class BulkDecisionForm(SelectionForm):
    """A lead's one decision on several requests waiting for them, with one comment read by every requester."""

    action = forms.ChoiceField(label="Decision", choices=DecisionForm.base_fields["action"].choices)
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
        label="Comment for the requesters",
        help_text="Required when you reject or return them.",
    )

    def clean(self):
        data = super().clean()
        if data.get("action") in ("reject", "return_for_changes") and not data.get("comment", "").strip():
            self.add_error("comment", "Say why: every requester reads it.")
        return data
