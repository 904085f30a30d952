"""Forms of the privacy pages. A subject is chosen by its declared key, one field per subject kind."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from intimacy_ops import access
from intimacy_ops.accounts.models import User
from privacy import subjects
from privacy.models import BreakGlassSession


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(required=False, label="User")
    since = forms.DateField(required=False, label="Since")
    until = forms.DateField(required=False, label="Until")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for subject in subjects.all():
            self.fields[subject.key] = forms.IntegerField(
                required=False, min_value=1, label=f"{subject.verbose_name.capitalize()} id"
            )

    def subject_fields(self) -> list:
        return [self[subject.key] for subject in subjects.all()]

    def subject_ids(self) -> dict:
        """{subject declaration: id} of the subject filters filled in (after is_valid())."""
        return {
            subject: self.cleaned_data[subject.key]
            for subject in subjects.all()
            if self.cleaned_data.get(subject.key)
        }


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), to_field_name="username")
    purpose = forms.CharField(
        min_length=10, max_length=200, help_text="Why this person needs it (quoted in the access log)."
    )
    until = forms.DateField(help_text="The grant ends at the start of this day (UTC).")

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        # People, by full name: never the object-permissions library's anonymous placeholder account.
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True)
            .exclude(pk=actor.pk)
            .exclude(username=settings.ANONYMOUS_USER_NAME)
            .order_by("first_name", "last_name", "username")
            if actor is not None
            else User.objects.none()
        )
        self.fields["user"].label_from_instance = lambda user: user.display_name
        declared = subjects.all()
        for subject in declared:
            choices = (
                access.visible(actor, subject.model) if actor is not None else subject.model.objects.none()
            )
            self.fields[subject.key] = forms.ModelChoiceField(
                queryset=choices.order_by(*subject.model._meta.ordering or ["pk"]),
                required=len(declared) == 1,
                label=subject.verbose_name.capitalize(),
            )
        self.order_fields(["user", *[subject.key for subject in declared], "purpose", "until"])

    def subject(self):
        """The chosen subject record (after is_valid())."""
        for subject in subjects.all():
            if self.cleaned_data.get(subject.key) is not None:
                return self.cleaned_data[subject.key]
        return None

    def subject_key(self) -> str:
        declared = subjects.all()
        return declared[0].key if declared else "subject"

    def clean(self):
        cleaned = super().clean()
        if not self.errors and self.subject() is None:
            raise forms.ValidationError("Choose whose sensitive fields the grant opens.")
        return cleaned

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
