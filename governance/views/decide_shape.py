"""The part of the chair's decision form that shapes an approval (issue 17, item 2): a sunset's date and the
covered exceptions left out (one reason for them), a standardization's wording, and up to CONDITION_ROWS
conditions (what, who, by when). `arguments` turns the form's answers into `decide_review`'s."""

from django import forms

from governance.models import Review
from governance.services import outcomes, voting
from intimacy_ops import access
from intimacy_ops.accounts.models import User

CONDITION_ROWS = 3
DATE = forms.DateInput(attrs={"type": "date"})


class ShapeFields(forms.Form):
    sunset_on = forms.DateField(
        required=False,
        widget=DATE,
        label="Sunset date",
        help_text="Empty: 30 days from now (never after expiry).",
    )
    exclude = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label="Leave out (they stay active)"
    )
    exclusion_reason = forms.CharField(
        max_length=4000,
        required=False,
        label="Why they are left out",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    standard_option = forms.CharField(
        max_length=300, required=False, label="Wording of the new standard option"
    )

    def shape_for(self, review: Review) -> None:
        """Keep the fields this review's kind uses; add the condition rows."""
        if review.kind == Review.Kind.SUNSET:
            covered = voting.rows_of(review, "covered")
            self.fields["exclude"].choices = [
                (exception.pk, f"{exception.title} — {exception.customer.name}")
                for exception in covered
                if exception.status == "active"
            ]
        else:
            for name in ("sunset_on", "exclude", "exclusion_reason"):
                del self.fields[name]
        if review.kind == Review.Kind.STANDARDIZATION:
            covered = [e for e in voting.rows_of(review, "covered") if e.status == "active"]
            self.fields["standard_option"].initial = review.standard_option or outcomes.variation_of(
                review, covered
            )
        else:
            del self.fields["standard_option"]
        people = User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")
        for row in range(1, CONDITION_ROWS + 1):
            self.fields[f"condition_{row}_description"] = forms.CharField(
                max_length=4000, required=False, label=f"Condition {row}"
            )
            self.fields[f"condition_{row}_owner"] = forms.ModelChoiceField(
                queryset=people, required=False, label="Owner", empty_label="Who answers for it"
            )
            self.fields[f"condition_{row}_owner"].label_from_instance = lambda user: user.display_name
            self.fields[f"condition_{row}_due_on"] = forms.DateField(required=False, widget=DATE, label="Due")

    def condition_rows(self):
        return [
            (
                self[f"condition_{row}_description"],
                self[f"condition_{row}_owner"],
                self[f"condition_{row}_due_on"],
            )
            for row in range(1, CONDITION_ROWS + 1)
            if f"condition_{row}_description" in self.fields
        ]


def arguments(cleaned: dict) -> dict:
    """`decide_review`'s keyword arguments from the form's cleaned data."""
    cleaned = dict(cleaned)
    items = []
    for row in range(1, CONDITION_ROWS + 1):
        description = cleaned.pop(f"condition_{row}_description", "")
        owner = cleaned.pop(f"condition_{row}_owner", None)
        due_on = cleaned.pop(f"condition_{row}_due_on", None)
        if description or owner or due_on:
            items.append({"description": description, "owner": owner, "due_on": due_on})
    reason = cleaned.pop("exclusion_reason", "")
    excluded = cleaned.pop("exclude", [])
    shaped = {
        "exclusions": [{"exception": pk, "reason": reason} for pk in excluded],
        "condition_items": items,
    }
    if cleaned.get("sunset_on") is None:
        cleaned.pop("sunset_on", None)
    if not cleaned.get("standard_option"):
        cleaned.pop("standard_option", None)
    return {**cleaned, **shaped}


def shaped_context(user, review: Review) -> dict:
    """What the review page shows of a shaped decision: the covered exceptions (and which were left out, why),
    the conditions met or open, and whether this user may mark each met."""
    left_out = {row.exception_id: row.reason for row in voting.rows_of(review, "exclusions")}
    return {
        "covered_rows": [
            {"exception": exception, "left_out": left_out.get(exception.pk, "")}
            for exception in voting.rows_of(review, "covered")
        ],
        "condition_rows": [
            {
                "condition": condition,
                "may_mark": not condition.is_met
                and bool(access.allowed_in_scope(user, "mark_met", condition)),
            }
            for condition in voting.rows_of(review, "condition_items")
        ],
    }
