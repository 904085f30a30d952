"""The shapes of the reviews API's proposals by hand and the decisions the board shapes (issue 17): what a
proposal sends, the exclusions and conditions a chair sends when approving, and how the review shows them;
a review's votes, recusals and tally (what the schema says of them), and what each act on a review sends."""

from rest_framework import serializers

from exceptions.models import Process, RiskRating
from governance.models import Meeting, Review, Vote
from intimacy_ops.accounts.models import User
from intimacy_ops.api import StrictSerializer


class ExclusionSerializer(serializers.Serializer):
    exception = serializers.IntegerField(help_text="A covered exception to leave out: it stays active.")
    reason = serializers.CharField(max_length=4000)


class ConditionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    owner = serializers.CharField(help_text="username")
    due_on = serializers.DateField()
    met_at = serializers.DateTimeField(allow_null=True)


class ConditionInputSerializer(StrictSerializer):
    description = serializers.CharField(max_length=4000)
    owner = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))
    due_on = serializers.DateField()


class ExclusionInputSerializer(StrictSerializer):
    exception = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(max_length=4000)


class ProposalInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=[Review.Kind.SUNSET, Review.Kind.STANDARDIZATION])
    process = serializers.PrimaryKeyRelatedField(queryset=Process.objects.all())
    exceptions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), min_length=1, max_length=500
    )
    reason = serializers.CharField(max_length=4000)
    deviation_tag = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        default="",
        help_text="Standardization: the option's tag.",
    )


class VoteSerializer(serializers.ModelSerializer):
    member = serializers.CharField(source="member.username", read_only=True)
    cast_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Vote
        fields = ["member", "choice", "rationale", "cast_at", "changed_at", "cast_by"]
        read_only_fields = fields


class RecusalSerializer(serializers.Serializer):
    member = serializers.CharField(source="member.username")
    reason = serializers.CharField(
        help_text="raised the request | manages the customer | declared an interest: …"
    )


class TallySerializer(serializers.Serializer):
    quorum = serializers.IntegerField(help_text="Votes needed (approve, reject and abstain all count).")
    eligible = serializers.IntegerField(help_text="Members who may vote: board ∪ chair ∪ co-opted − recused.")
    voted = serializers.IntegerField()
    approve = serializers.IntegerField()
    reject = serializers.IntegerField()
    abstain = serializers.IntegerField()
    quorum_met = serializers.BooleanField()
    rule = serializers.CharField()
    rule_supports_approval = serializers.BooleanField()
    allowed_outcomes = serializers.ListField(
        child=serializers.CharField(), help_text="What the chair may record now."
    )
    refused = serializers.DictField(
        child=serializers.CharField(), help_text="outcome → why it is refused now."
    )

    def to_representation(self, tally):
        return tally_json(tally)


def tally_json(tally) -> dict:
    return {
        "quorum": tally.quorum,
        "eligible": len(tally.eligible),
        "voted": tally.voted,
        "approve": tally.approve,
        "reject": tally.reject,
        "abstain": tally.abstain,
        "quorum_met": tally.quorum_met,
        "rule": tally.rule,
        "rule_supports_approval": tally.rule_supports_approval,
        "allowed_outcomes": list(tally.allowed_outcomes),
        "refused": dict(tally.refused),
    }


class VoteInputSerializer(StrictSerializer):
    """`on_behalf_of`: a member away whose delegate you are now (their vote, cast by you; else 403)."""

    choice = serializers.ChoiceField(choices=Vote.Choice.choices)
    rationale = serializers.CharField(max_length=4000)
    on_behalf_of = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class DecideInputSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=[c for c in Review.Outcome.choices if c[0]])
    rationale = serializers.CharField(max_length=4000)
    conditions = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.all(), required=False, allow_null=True, default=None
    )
    sunset_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Approving a sunset: the end date (today or later, by every expiry).",
    )
    exclusions = ExclusionInputSerializer(
        many=True, required=False, help_text="Approving a sunset: left out."
    )
    standard_option = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Approving a standardization: the wording.",
    )
    condition_items = ConditionInputSerializer(
        many=True, required=False, help_text="Approving with conditions: each a description, owner, due date."
    )


class InterestInputSerializer(StrictSerializer):
    statement = serializers.CharField(max_length=4000)


class CoOptInputSerializer(StrictSerializer):
    member = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))
    reason = serializers.CharField(max_length=4000)


class ImpactInputSerializer(StrictSerializer):
    similar_active = serializers.IntegerField(min_value=0, required=False)
    similar_same_tag = serializers.IntegerField(min_value=0, required=False)
    customers_holding = serializers.IntegerField(min_value=0, required=False)
    capacity_effect = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    monthly_cost_request = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False
    )
    monthly_cost_similar = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False
    )
    risk = serializers.CharField(required=False, help_text="One of: " + ", ".join(RiskRating.values) + ".")
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
