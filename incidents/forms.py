"""The incident pages' forms: declaring one, a lifecycle step, an update to the timeline."""

from django import forms

from exceptions.models import Process
from incidents.access_rules import declarable_regions, possible_owners
from incidents.models import Incident
from intimacy_ops.accounts.models import Region, User
from segments.models import Segment

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DeclareForm(forms.Form):
    title = forms.CharField(max_length=200, label="What is broken")
    kind = forms.ChoiceField(choices=Incident.Kind.choices)
    severity = forms.ChoiceField(choices=Incident.Severity.choices)
    regions = forms.ModelMultipleChoiceField(
        queryset=Region.objects.none(), to_field_name="code", widget=forms.CheckboxSelectMultiple
    )
    processes = forms.ModelMultipleChoiceField(
        queryset=Process.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Processes affected",
    )
    started_at = forms.DateTimeField(widget=LOCAL, label="Started at")
    detected_at = forms.DateTimeField(widget=LOCAL, required=False, label="Detected at (default: now)")
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), to_field_name="username", required=False, label="Owner"
    )
    description = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What we know"
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = declarable_regions(user).order_by("code")
        self.fields["regions"].queryset = regions
        self.fields["regions"].label_from_instance = lambda region: f"{region.code} · {region.name}"
        owners = possible_owners(regions).order_by("first_name", "last_name", "username")
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda person: person.display_name
        self.fields["owner"].empty_label = "Me" if owners.filter(pk=user.pk).exists() else "Choose a lead"


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=[(name, name) for name in ("mitigate", "resolve", "review", "cancel")])
    comment = forms.CharField(max_length=4000, required=False)


class UpdateForm(forms.Form):
    text = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}), label="Update")


class RuleForm(forms.Form):
    """Affected customers by rule: every criterion given must hold."""

    segments = forms.ModelMultipleChoiceField(
        queryset=Segment.objects.order_by("rank"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Tiers",
    )
    regions = forms.ModelMultipleChoiceField(
        queryset=Region.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    processes = forms.ModelMultipleChoiceField(
        queryset=Process.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Customers with a variation of",
    )

    def __init__(self, *args, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = (
            incident.regions.order_by("code") if incident else Region.objects.none()
        )


class ListForm(forms.Form):
    file = forms.FileField(label="A CSV file with a header id or external_id, one customer a line")
