"""The playbook edit page's forms: the version (effective date, note) and its plays as a formset."""

import datetime

from django import forms
from django.utils import timezone

from keyaccounts.models import Play
from keyaccounts.playbooks import services

# Short words for the formset's narrow column (the model's labels say it in full on the playbooks page).
TRIGGERS = [
    (Play.Trigger.ONBOARDING, "Onboarding"),
    (Play.Trigger.ESCALATION, "Escalation"),
    (Play.Trigger.INCIDENT, "Incident"),
    (Play.Trigger.CADENCE, "Every N days"),
]


class VersionForm(forms.Form):
    effective_on = forms.DateField(
        label="In effect from", widget=forms.DateInput(attrs={"type": "date"}), help_text="Today or later."
    )
    note = forms.CharField(
        label="What changed", required=False, max_length=services.MAX_NOTE, widget=forms.TextInput()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("effective_on", timezone.localdate() + datetime.timedelta(days=1))


class PlayForm(forms.Form):
    title = forms.CharField(label="Play", max_length=200)
    what = forms.CharField(label="What it means", required=False, max_length=4000)
    trigger = forms.ChoiceField(label="When", choices=[("", "—"), *TRIGGERS])
    every_days = forms.IntegerField(
        label="Every (days)", required=False, min_value=1, max_value=services.MAX_DAYS
    )
    role = forms.ChoiceField(
        label="Who", choices=[("", "—"), *[(r.value, r.label) for r in services.PLAY_ROLES]]
    )
    days_to_do = forms.IntegerField(label="Days to do", min_value=0, max_value=services.MAX_DAYS)

    def clean(self):
        data = super().clean()
        if data.get("trigger") == Play.Trigger.CADENCE and not data.get("every_days"):
            self.add_error("every_days", "Say every how many days.")
        if data.get("trigger") != Play.Trigger.CADENCE:
            data["every_days"] = None
        return data


PlayFormSet = forms.formset_factory(
    PlayForm, extra=2, can_delete=True, max_num=services.MAX_PLAYS, validate_max=True
)


def plays_of(formset) -> list[dict]:
    """The filled, kept plays of a valid formset, in order."""
    return [
        {key: form.cleaned_data.get(key) for key in PlayForm.base_fields}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.has_changed()
    ]


def initial_plays(playbook) -> list[dict]:
    if playbook is None:
        return []
    return [{key: getattr(play, key) for key in PlayForm.base_fields} for play in playbook.plays.all()]
