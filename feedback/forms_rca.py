"""The RCA page's forms: the analysis text, a why, a corrective action, a step, a loop closure."""

import datetime

from django import forms
from django.utils import timezone

from feedback.models import LoopClosure
from intimacy_ops.accounts.models import User


class AnalysisForm(forms.Form):
    problem = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    root_cause = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    contributing_factors = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WhyForm(forms.Form):
    OPS = ["add", "edit", "up", "down", "remove"]
    op = forms.ChoiceField(choices=[(op, op) for op in OPS])
    why = forms.IntegerField(required=False)
    question = forms.CharField(max_length=4000, required=False)
    answer = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("op") in ("add", "edit") and not (data.get("question") or "").strip():
            self.add_error("question", "Ask the why.")
        if data.get("op") != "add" and not data.get("why"):
            self.add_error(None, "Name the why.")
        return data


class ActionForm(forms.Form):
    description = forms.CharField(max_length=4000, label="What will be done")
    owner = forms.ModelChoiceField(queryset=User.objects.none(), to_field_name="username", label="Owner")
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people if people is not None else User.objects.filter(is_active=True)
        self.fields["owner"].label_from_instance = lambda user: user.display_name
        self.fields["due_on"].initial = timezone.localdate() + datetime.timedelta(days=14)


class ActionStepForm(forms.Form):
    action = forms.IntegerField()
    step = forms.ChoiceField(choices=[("start", "start"), ("complete", "complete"), ("cancel", "cancel")])
    evidence = forms.CharField(max_length=4000, required=False)


class StepForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("start_analysis", "plan_actions", "verify", "close", "cancel")]
    )
    reason = forms.CharField(max_length=4000, required=False)


class LoopForm(forms.Form):
    audience = forms.ChoiceField(choices=LoopClosure.Audience.choices, label="Who was told")
    who = forms.CharField(max_length=200, label="Names or team")
    told_on = forms.DateField(label="Told on", widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(choices=LoopClosure.Channel.choices)
    note = forms.CharField(max_length=4000, required=False, label="What they were told")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["told_on"].initial = timezone.localdate()
