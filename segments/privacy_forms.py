import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from intimacy_ops.accounts.models import User
from segments.models import Customer
from segments.privacy_models import BreakGlassSession


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(required=False, label="User")
    customer = forms.IntegerField(required=False, min_value=1, label="Customer id")
    since = forms.DateField(required=False, label="Since")
    until = forms.DateField(required=False, label="Until")


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), to_field_name="username")
    customer = forms.ModelChoiceField(queryset=Customer.objects.none())
    purpose = forms.CharField(
        min_length=10, max_length=200, help_text="Why this person needs it (quoted in the access log)."
    )
    until = forms.DateField(help_text="The grant ends at the start of this day (UTC).")

    def __init__(self, *args, users=None, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users if users is not None else User.objects.none()
        self.fields["customer"].queryset = customers if customers is not None else Customer.objects.none()

    def expires_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.cleaned_data["until"], datetime.time(), tzinfo=datetime.UTC)

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.now().date():
            raise forms.ValidationError("Pick a day after today.")
        return until


class RevokeForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000)


class BreakGlassForm(forms.Form):
    justification = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "Why this cannot wait for a data steward's grant"}
        ),
        max_length=4000,
    )
    hours = forms.TypedChoiceField(coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        top = int(getattr(settings, "BREAK_GLASS_MAX_HOURS", 4))
        self.fields["hours"].choices = [(hours, f"{hours} h") for hours in range(1, top + 1)]
        self.fields["hours"].initial = top


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(choices=BreakGlassSession.Outcome.choices)
    comment = forms.CharField(required=False, max_length=2000)
