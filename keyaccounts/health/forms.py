"""The health review pages' forms: completing a review (notes, next date, and a formset of agreed actions —
none or more; an empty row is skipped), cancelling one, a tier's cadence."""

from django import forms

from intimacy_ops import access
from intimacy_ops.accounts.models import User
from keyaccounts.health import services
from keyaccounts.models import HealthReviewCadence

DATE = forms.DateInput(attrs={"type": "date"})


class CompleteForm(forms.Form):
    notes = forms.CharField(
        max_length=services.MAX_NOTES, widget=forms.Textarea(attrs={"rows": 5}), label="Notes of the review"
    )
    next_date = forms.DateField(widget=DATE, label="Next review on")


class ActionForm(forms.Form):
    text = forms.CharField(max_length=services.MAX_ACTION, label="Action agreed")
    owner = forms.ModelChoiceField(queryset=User.objects.none(), to_field_name="username", label="Who")
    due_on = forms.DateField(widget=DATE, label="By")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            access.visible(user, User).filter(is_active=True).order_by("first_name", "last_name", "username")
        )
        self.fields["owner"].queryset = people
        self.fields["owner"].label_from_instance = lambda person: person.display_name
        self.fields["owner"].empty_label = "Choose someone"


ActionFormSet = forms.formset_factory(ActionForm, extra=2, max_num=services.MAX_ACTIONS, validate_max=True)


def action_formset(data=None, *, user) -> forms.BaseFormSet:
    return ActionFormSet(data, prefix="actions", form_kwargs={"user": user})


def agreed_actions(formset) -> list[services.AgreedAction]:
    """The rows filled in (an untouched row is no action)."""
    return [
        services.AgreedAction(
            form.cleaned_data["text"], form.cleaned_data["owner"], form.cleaned_data["due_on"]
        )
        for form in formset.forms
        if form.has_changed() and form.cleaned_data
    ]


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Why it will not be held"
    )


class CadenceForm(forms.Form):
    every_months = forms.TypedChoiceField(
        choices=[("", "Never"), *HealthReviewCadence.Every.choices],
        coerce=int,
        empty_value=None,
        required=False,
        label="Reviewed",
    )
