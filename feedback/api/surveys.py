"""`/api/v1/survey-invitations/` (issue 19, item 5): list (`?customer=`, `?status=`, `?survey=`), read, schedule
(`POST {"customer", "survey": "nps_survey"|"ces_survey", "due_on"}`) and `…/{id}/cancel/`. A held invitation
says why (`held_reason`, e.g. "customer in recovery from incident #12 'Warehouse down'"); the contact's
address is never shown here (the customer's `contact_email` is confidential)."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from feedback.models import SurveyInvitation
from feedback.services import surveys as services
from intimacy_ops import access
from intimacy_ops.api import ERROR_RESPONSES, ScopedViewSetMixin, StrictSerializer
from intimacy_ops.filters import ScopedFilterSet, ScopedModelChoiceFilter
from segments.models import Customer


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class SurveyInvitationFilter(ScopedFilterSet):
    customer = ScopedModelChoiceFilter(model=Customer, label="Customer id")
    status = filters.MultipleChoiceFilter(
        choices=SurveyInvitation.Status.choices, label="Status", distinct=False
    )
    survey = filters.ChoiceFilter(choices=SurveyInvitation.Survey.choices, label="Survey")

    class Meta:
        model = SurveyInvitation
        fields = ["customer", "status", "survey"]


class SurveyInvitationSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    scheduled_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    held_reason = serializers.CharField(
        read_only=True,
        help_text="Why it is held (status `suppressed`), or was last held; empty if it never was.",
    )

    class Meta:
        model = SurveyInvitation
        fields = [
            "id",
            "customer",
            "customer_name",
            "survey",
            "due_on",
            "status",
            "held_reason",
            "held_at",
            "resumed_at",
            "sent_at",
            "email_state",
            "email_error",
            "scheduled_by",
            "created_at",
        ]
        read_only_fields = fields


class SurveyInvitationInputSerializer(StrictSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none(), help_text="Customer id.")
    survey = serializers.ChoiceField(choices=SurveyInvitation.Survey.choices)
    due_on = serializers.DateField(help_text="The day it goes out (today or later).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        if user is not None:
            # A customer outside your scope reads as one that does not exist (400 naming the field).
            self.fields["customer"].queryset = access.visible(user, Customer)


class CancelSerializer(StrictSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


@extend_schema_view(
    list=extend_schema(responses={200: SurveyInvitationSerializer(many=True), **_errors(400, 401)}),
    retrieve=extend_schema(responses={200: SurveyInvitationSerializer, **_errors(401, 404)}),
    create=extend_schema(
        request=SurveyInvitationInputSerializer,
        responses={201: SurveyInvitationSerializer, **_errors(400, 401, 403, 404, 409)},
    ),
)
class SurveyInvitationViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Survey requests to customers' contacts: sent when due, held while the customer is in recovery."""

    queryset = SurveyInvitation.objects.select_related("customer", "scheduled_by")
    serializer_class = SurveyInvitationSerializer
    filterset_class = SurveyInvitationFilter
    ordering_fields = ["due_on", "created_at", "status"]
    ordering = ["due_on", "id"]

    def get_serializer_class(self):
        if self.action == "create":
            return SurveyInvitationInputSerializer
        if self.action == "cancel":
            return CancelSerializer
        return SurveyInvitationSerializer

    def _present(self, invitation: SurveyInvitation, code: int = status.HTTP_200_OK) -> Response:
        shown = self.get_queryset().get(pk=invitation.pk)
        return Response(
            SurveyInvitationSerializer(shown, context=self.get_serializer_context()).data, status=code
        )

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        invitation = services.schedule_survey(actor=request.user, **payload.validated_data)
        return self._present(invitation, status.HTTP_201_CREATED)

    @extend_schema(
        request=CancelSerializer,
        responses={200: SurveyInvitationSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw a scheduled or held invitation (409 once sent or cancelled)."""
        invitation = self.get_object()
        payload = CancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        invitation = services.cancel_survey(
            actor=request.user, invitation=invitation, comment=payload.validated_data["comment"]
        )
        return self._present(invitation)
