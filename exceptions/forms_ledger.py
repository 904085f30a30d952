"""Forms of what happens to an active exception (costs booked, extensions asked and decided) and of a
process owner's edits. They parse what the browser sends; the rules are the services'."""

from django import forms

from exceptions.models import ProcessCategory
from intimacy_ops.accounts.models import User
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import people_with_role


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_with_role(Role.PROCESS_OWNER).order_by("username")


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
