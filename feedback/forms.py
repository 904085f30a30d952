"""Forms of the feedback pages: they check the input; the services decide and write."""

from django import forms

from exceptions.models import Process
from feedback.models import Sentiment, SurveyInvitation


class InsightForm(forms.Form):
    """The customer page's "log an insight": a few words, optionally a process, done in seconds."""

    text = forms.CharField(
        label="What did you learn?",
        max_length=10_000,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "e.g. Their buyer is unhappy with Saturday deliveries."}
        ),
    )
    process = forms.ModelChoiceField(
        queryset=Process.objects.order_by("name"), required=False, empty_label="No process", label="About"
    )
    actionable = forms.BooleanField(required=False, label="Actionable")


class ConfirmForm(forms.Form):
    """Confirm the suggestion (no sentiment given) or correct it."""

    sentiment = forms.ChoiceField(choices=[("", "—"), *Sentiment.choices], required=False)


class SurveyForm(forms.Form):
    """The customer card's "ask for a survey": which one, and the day it goes out."""

    survey = forms.ChoiceField(label="Survey", choices=SurveyInvitation.Survey.choices)
    due_on = forms.DateField(label="Send on", widget=forms.DateInput(attrs={"type": "date"}))
