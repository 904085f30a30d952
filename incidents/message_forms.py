"""The forms of the "customers to contact" queue and the message templates page (issue 19, items 3 and 8)."""

from decimal import Decimal

from django import forms

from incidents import placeholders
from incidents.models import Goodwill, Incident, IncidentMessage, MessageTemplate
from segments.models import Segment

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SendForm(forms.Form):
    """Record one customer's message as sent: the words (edited or not), the channel, when (default now)."""

    subject = forms.CharField(max_length=200, required=False)
    body = forms.CharField(
        max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 10}), label="Message"
    )
    channel = forms.ChoiceField(
        choices=IncidentMessage.Channel.choices, initial=IncidentMessage.Channel.EMAIL
    )
    sent_at = forms.DateTimeField(widget=LOCAL, required=False, label="Sent at (default: now)")


class GoodwillForm(forms.Form):
    """Goodwill to one customer from the queue: the existing goodwill service decides within or above the limit."""

    kind = forms.ChoiceField(choices=Goodwill.Kind.choices)
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), label="Amount")
    reason = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class TemplateForm(forms.Form):
    segment = forms.ModelChoiceField(
        queryset=Segment.objects.order_by("rank"), label="Tier", widget=forms.HiddenInput
    )
    kind = forms.ChoiceField(choices=Incident.Kind.choices, label="Incident kind", widget=forms.HiddenInput)
    level = forms.ChoiceField(choices=MessageTemplate.Level.choices)
    subject = forms.CharField(max_length=200)
    body = forms.CharField(max_length=8000, widget=forms.Textarea(attrs={"rows": 14}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = ", ".join("{" + name + "}" for name in placeholders.PLACEHOLDERS)
        self.fields["body"].help_text = f"Placeholders: {known}. Literal braces: {{{{ and }}}}."
