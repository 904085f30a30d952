"""The shapes of the reviews API's proposals by hand and the decisions the board shapes (issue 17): what a
proposal sends, the exclusions and conditions a chair sends when approving, and how the review shows them."""

from rest_framework import serializers

from exceptions.models import Process
from governance.models import Review
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
