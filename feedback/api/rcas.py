"""`/api/v1/rcas/` (CONTRACT.md: `id, process, problem, status, whys, root_cause, actions`): root-cause
analyses with their five whys, corrective actions, loop closures and effectiveness figures, and their acts.

A lifecycle step outside the table (docs/lifecycles.md) is a 409 naming what is allowed now; closing is a 409
naming what is missing while a corrective action is open or nobody was told; cancelling needs a `reason`
(400). Who runs an RCA (its owner, the process's owner, an administrator) is asked before the body is read.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from exceptions.models import Process
from feedback import selectors_rca
from feedback.filters_rca import ORDERING_FIELDS, RcaFilter
from feedback.models import CorrectiveAction, LoopClosure, RootCauseAnalysis, WhyStep
from feedback.services_rca import acts, parts
from intimacy_ops import access, errors, lifecycle
from intimacy_ops.accounts.models import User
from intimacy_ops.api import ERROR_RESPONSES, ScopedViewSetMixin, StrictSerializer
from segments.models import Customer


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class WhySerializer(serializers.ModelSerializer):
    class Meta:
        model = WhyStep
        fields = ["id", "position", "question", "answer"]
        read_only_fields = fields


class ActionSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = CorrectiveAction
        fields = ["id", "description", "owner", "due_on", "status", "evidence", "completed_at", "overdue"]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return obj.status in CorrectiveAction.OPEN_STATUSES and obj.due_on < self.context["today"]


class LoopClosureSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = LoopClosure
        fields = ["id", "audience", "customer", "who", "told_on", "channel", "note", "recorded_by"]
        read_only_fields = fields


class EffectivenessSerializer(serializers.Serializer):
    recorded_at = serializers.DateTimeField(source="effectiveness_recorded_at")
    before_negative = serializers.IntegerField()
    before_total = serializers.IntegerField()
    before_rate = serializers.FloatField(allow_null=True)
    after_negative = serializers.IntegerField()
    after_total = serializers.IntegerField()
    after_rate = serializers.FloatField(allow_null=True)
    fell = serializers.BooleanField(
        source="effectiveness_fell", help_text="False: flagged, the rate did not fall."
    )


class RcaSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    whys = WhySerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)
    effectiveness = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = RootCauseAnalysis
        fields = [
            "id", "process", "problem", "status", "whys", "root_cause", "actions", "owner", "trigger",
            "contributing_factors", "cancel_reason", "window_start", "window_end", "created_at", "closed_at",
            "effectiveness", "allowed_actions",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema(responses=EffectivenessSerializer(allow_null=True))
    def get_effectiveness(self, rca) -> dict | None:
        if rca.effectiveness_recorded_at is None:
            return None
        return EffectivenessSerializer(rca).data

    def get_allowed_actions(self, rca) -> list[str]:
        user = self.context["request"].user
        return [a for a in lifecycle.actions_from(rca) if access.allowed_in_scope(user, a, rca)]


class RcaInputSerializer(StrictSerializer):
    process = serializers.PrimaryKeyRelatedField(queryset=Process.objects.all())
    problem = serializers.CharField(max_length=4000)


class AnalysisInputSerializer(StrictSerializer):
    problem = serializers.CharField(max_length=4000, required=False)
    root_cause = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    contributing_factors = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class StepInputSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class WhyInputSerializer(StrictSerializer):
    id = serializers.IntegerField(required=False, help_text="PATCH: the why to edit.")
    question = serializers.CharField(max_length=4000)
    answer = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ReorderInputSerializer(StrictSerializer):
    order = serializers.ListField(
        child=serializers.IntegerField(), max_length=50, help_text="Every why's id."
    )


class ActionInputSerializer(StrictSerializer):
    description = serializers.CharField(max_length=4000)
    owner = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))
    due_on = serializers.DateField()


class MoveActionInputSerializer(StrictSerializer):
    action = serializers.IntegerField(help_text="The corrective action's id.")
    step = serializers.ChoiceField(choices=["start", "complete", "cancel"])
    evidence = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class LoopInputSerializer(StrictSerializer):
    audience = serializers.ChoiceField(choices=LoopClosure.Audience.choices)
    who = serializers.CharField(max_length=200)
    told_on = serializers.DateField()
    channel = serializers.ChoiceField(choices=LoopClosure.Channel.choices)
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


def _step_action(name: str, doc: str):
    @extend_schema(
        request=StepInputSerializer, responses={200: RcaSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    def handler(self, request, pk=None):
        rca = self.get_object()
        payload = StepInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        acts.transition(rca=rca, action=name, actor=request.user, reason=payload.validated_data["reason"])
        return self._present(rca)

    handler.__name__ = handler.__qualname__ = name
    handler.__doc__ = doc
    return action(
        detail=True, methods=["post"], url_path=name.replace("_", "-"), url_name=name.replace("_", "-")
    )(handler)


class RcaViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Root-cause analyses: opened by the recurring-failure check (or by hand), worked through the five whys,
    corrective actions and closing the loop; `allowed_actions` says which lifecycle steps you may take now.
    Seen by the process's owner, the RCA's owner, operations leads of the customers' regions, the account
    managers of the customers whose feedback triggered it, the owners of its actions, auditors, administrators.
    """

    queryset = RootCauseAnalysis.objects.all()
    serializer_class = RcaSerializer
    filterset_class = RcaFilter
    ordering_fields = ORDERING_FIELDS
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors_rca.rcas_for(self.request.user)

    def get_serializer_context(self):
        from django.utils import timezone

        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_serializer_class(self):
        return {"create": RcaInputSerializer, "partial_update": AnalysisInputSerializer}.get(
            self.action, RcaSerializer
        )

    def _present(self, rca, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=rca.pk)
        return Response(RcaSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def _runs(self, rca, rule: str = "change"):
        access.require(self.request.user, rule, rca)

    @extend_schema(request=RcaInputSerializer, responses={201: RcaSerializer, **_errors(400, 401, 403)})
    def create(self, request, *args, **kwargs):
        """Open an RCA by hand on a process (process owners, operations leads, administrators)."""
        access.require(request.user, "create", RootCauseAnalysis)
        payload = RcaInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        rca = acts.open_by_hand(actor=request.user, **payload.validated_data)
        return self._present(rca, status.HTTP_201_CREATED)

    @extend_schema(
        request=AnalysisInputSerializer, responses={200: RcaSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    def partial_update(self, request, *args, **kwargs):
        """Edit the problem statement, the root cause and the contributing factors (while the RCA is active)."""
        rca = self.get_object()
        self._runs(rca)
        payload = AnalysisInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if not payload.validated_data:
            raise errors.ValidationFailed(message="Send problem, root_cause or contributing_factors.")
        acts.update_analysis(rca=rca, actor=request.user, **payload.validated_data)
        return self._present(rca)

    start_analysis = _step_action("start_analysis", "Start the analysis (open → analysing).")
    plan_actions = _step_action(
        "plan_actions", "Corrective actions are planned (analysing → actions_planned)."
    )
    verify = _step_action("verify", "Verify the actions' effect (actions_planned → verifying).")
    close = _step_action(
        "close",
        "Close (verifying → closed): 409 naming what is missing while a corrective action is open or the loop "
        "is not closed.",
    )
    cancel = _step_action("cancel", "Cancel an active RCA, saying why in `reason` (400 without).")

    @extend_schema(
        request=WhyInputSerializer, responses={200: RcaSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post", "patch"])
    def whys(self, request, pk=None):
        """POST adds a why at the end (at most five); PATCH edits the why named by `id`."""
        rca = self.get_object()
        self._runs(rca)
        payload = WhyInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if request.method == "POST":
            parts.add_why(rca=rca, actor=request.user, question=data["question"], answer=data["answer"])
        else:
            why = WhyStep.objects.filter(rca=rca, pk=data.get("id")).first()
            if why is None:
                raise errors.ValidationFailed({"id": ["Name one of this analysis's whys."]})
            parts.edit_why(why=why, actor=request.user, question=data["question"], answer=data["answer"])
        return self._present(rca)

    @extend_schema(
        request=ReorderInputSerializer, responses={200: RcaSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"], url_path="reorder-whys", url_name="reorder-whys")
    def reorder_whys(self, request, pk=None):
        """Put the whys in a new order: `order` lists every why's id once."""
        rca = self.get_object()
        self._runs(rca)
        payload = ReorderInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        parts.reorder_whys(rca=rca, actor=request.user, order=payload.validated_data["order"])
        return self._present(rca)

    @extend_schema(
        request=ActionInputSerializer, responses={201: RcaSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"], url_path="actions", url_name="actions")
    def add_action(self, request, pk=None):
        """Add a corrective action: description, owner (username), due date."""
        rca = self.get_object()
        self._runs(rca)
        payload = ActionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        parts.add_action(rca=rca, actor=request.user, **payload.validated_data)
        return self._present(rca, status.HTTP_201_CREATED)

    @extend_schema(
        request=MoveActionInputSerializer, responses={200: RcaSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"], url_path="move-action", url_name="move-action")
    def move_action(self, request, pk=None):
        """Start, complete (with `evidence`) or cancel one of its corrective actions (the action's owner too)."""
        rca = self.get_object()
        self._runs(rca, "move_actions")
        payload = MoveActionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        found = (
            CorrectiveAction.objects.filter(rca=rca, pk=data["action"]).select_related("rca__process").first()
        )
        if found is None:
            raise errors.ValidationFailed({"action": ["Name one of this analysis's corrective actions."]})
        parts.move_action(action=found, step=data["step"], actor=request.user, evidence=data["evidence"])
        return self._present(rca)

    @extend_schema(
        request=LoopInputSerializer, responses={201: RcaSerializer, **_errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"], url_path="loop-closures", url_name="loop-closures")
    def loop_closures(self, request, pk=None):
        """Record who was told what came of it (account managers or the customer), when and how."""
        rca = self.get_object()
        self._runs(rca, "close_loop")
        payload = LoopInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        customer = data.get("customer")
        if (
            customer is not None
            and not access.visible(request.user, Customer).filter(pk=customer.pk).exists()
        ):
            raise errors.ValidationFailed({"customer": ["Name a customer you see."]})
        parts.close_loop(rca=rca, actor=request.user, **data)
        return self._present(rca, status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("rcas", RcaViewSet, basename="rca")
