"""The weights page's form: one whole number per weight, the at-risk line, why, and the version edited."""

from django import forms

from keyaccounts.models import HealthWeights

LABELS = {
    "sla_compliance": "SLA compliance (points at 0% compliance)",
    "breach": "Per breach this quarter",
    "escalation": "Per open escalation",
    "negative_feedback": "Per negative feedback item (90 days)",
    "past_dates": "Per exception or condition past its date",
    "incident": "Per incident (90 days)",
    "at_risk_below": "At risk below (the line)",
}


class WeightsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in LABELS.items():
            low = 1 if name == "at_risk_below" else 0
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=low,
                max_value=100,
                help_text=HealthWeights._meta.get_field(name).help_text,
                widget=forms.NumberInput(attrs={"min": low, "max": 100, "step": 1, "inputmode": "numeric"}),
            )
        self.fields["note"] = forms.CharField(
            label="Why (kept in the history)", max_length=500, required=False
        )
        self.fields["based_on"] = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
