import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

DEFAULT_DAYS = 30


class IssueLinkForm(forms.Form):
    contact_name = forms.CharField(
        label="For (contact's name)", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    expires_on = forms.DateField(
        label="Open until (end of that day)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"At most {settings.CUSTOMER_LINK_MAX_DAYS} days from today.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(
                "expires_on", timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS)
            )

    def expires_at(self) -> datetime.datetime:
        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))
