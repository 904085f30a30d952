"""Forms of the meetings pages. They parse what the browser sends; the rules are the services' (their
field errors land beside the fields through `intimacy_ops.forms.add_domain_errors`)."""

from django import forms

from governance.models import Board, Review

LOCAL_DATETIME = "%Y-%m-%dT%H:%M"


def _when_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME)


class MeetingForm(forms.Form):
    board = forms.ModelChoiceField(queryset=Board.objects.none(), label="Board", empty_label=None)
    title = forms.CharField(max_length=200, label="Title", required=False)
    starts_at = forms.DateTimeField(label="Starts", widget=_when_widget(), required=False)
    ends_at = forms.DateTimeField(label="Ends", widget=_when_widget(), required=False)
    location = forms.CharField(
        max_length=200,
        label="Where",
        required=False,
        help_text="A room, or the video call's address.",
    )

    def __init__(self, *args, boards=None, **kwargs):
        super().__init__(*args, **kwargs)
        if boards is None:
            del self.fields["board"]
        else:
            self.fields["board"].queryset = boards


class CancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Why (told to the members)",
    )
    confirm = forms.BooleanField(
        label="Yes, cancel this meeting and tell its members",
        error_messages={"required": "Tick the box to confirm the cancellation."},
    )


class AgendaAddForm(forms.Form):
    review = forms.ModelChoiceField(
        queryset=Review.objects.none(),
        label="Open review to add",
        empty_label="Choose a review…",
        error_messages={
            "required": "Choose a review to add.",
            "invalid_choice": "Choose one of the open reviews.",
        },
    )

    def __init__(self, *args, reviews, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].queryset = reviews
        self.fields["review"].label_from_instance = _review_label

    def choices_count(self) -> int:
        return len(self.fields["review"].choices) - 1


def _review_label(review) -> str:

    customer = f" — {review.exception.customer.name}" if review.exception_id else ""
    return f"{review.headline}{customer} (due {review.due_on:%d %b %Y})"


class AttendanceForm(forms.Form):
    attendees = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple, label="Present"
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [
            (str(person.pk), person.get_full_name() or person.username) for person in people
        ]


class MinutesForm(forms.Form):
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False, label="Minutes")


class ResetFeedForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, make a new address; the old one stops working",
        error_messages={"required": "Tick the box to confirm the new address."},
    )
