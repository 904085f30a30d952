"""`/api/v1/incidents/{id}/post-mortem/` and `…/{id}/recovery/` (issue 19, items 6 and 7), actions mixed into
the incident viewset.

- `GET post-mortem/`: the post-mortem (empty texts before anyone wrote it), its root-cause analysis (status,
  root cause, whys and corrective actions, written on the RCA's own pages and API), the trust impact facts
  frozen with the assessment (`facts`, null before) and as of now (`live_facts`), and `missing_to_review`.
- `PUT post-mortem/`: `trust_assessment`, `lessons`, `actions` (those given; writing the assessment freezes
  the facts), `root_cause_process` (+ `root_cause_problem`) opens the RCA on one of the incident's processes.
  Who runs the incident, while it is open, mitigated or resolved (409 after).
- `GET recovery/`: 30 days before against 30 days after the start for the affected customers you see; the
  "after" figures are null until 30 days have passed (`complete`, `complete_on`).
"""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from exceptions.models import Process
from incidents.selectors import recovery, trust
from incidents.services import post_mortem as services
from intimacy_ops import access, errors
from intimacy_ops.api import ERROR_RESPONSES, StrictSerializer

TEXT = {"required": False, "allow_blank": True, "max_length": services.TEXT_LIMIT}


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class WritePostMortemSerializer(StrictSerializer):
    trust_assessment = serializers.CharField(**TEXT, help_text="The owner's trust impact assessment.")
    lessons = serializers.CharField(**TEXT)
    actions = serializers.CharField(**TEXT, help_text="Actions beyond the RCA's corrective actions.")
    root_cause_process = serializers.PrimaryKeyRelatedField(
        queryset=Process.objects.all(),
        required=False,
        help_text="Open the RCA on this process (one of the incident's).",
    )
    root_cause_problem = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, help_text="The RCA's problem statement."
    )


class CorrectiveActionOut(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    owner = serializers.CharField(source="owner.username")
    due_on = serializers.DateField()
    status = serializers.CharField()


class WhyOut(serializers.Serializer):
    position = serializers.IntegerField()
    question = serializers.CharField()
    answer = serializers.CharField()


class RcaOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    trigger = serializers.CharField()
    process = serializers.IntegerField(source="process_id")
    problem = serializers.CharField()
    root_cause = serializers.CharField()
    whys = WhyOut(many=True, source="whys.all")
    actions = CorrectiveActionOut(many=True, source="actions.all")


class PostMortemOut(serializers.Serializer):
    incident = serializers.IntegerField()
    trust_assessment = serializers.CharField()
    facts = serializers.JSONField(
        allow_null=True, help_text="The trust impact facts frozen with the assessment."
    )
    assessed_at = serializers.DateTimeField(allow_null=True)
    assessed_by = serializers.CharField(allow_null=True)
    lessons = serializers.CharField()
    actions = serializers.CharField()
    rca = RcaOut(allow_null=True)
    live_facts = serializers.JSONField(help_text="The same facts, as of now.")
    missing_to_review = serializers.ListField(child=serializers.CharField())


class RecoveryOut(serializers.Serializer):
    affected = serializers.IntegerField(help_text="The affected customers you see.")
    window_days = serializers.IntegerField()
    complete = serializers.BooleanField(help_text="30 days have passed since the start.")
    complete_on = serializers.DateField()
    cases_before = serializers.IntegerField()
    cases_after = serializers.IntegerField(allow_null=True)
    feedback_before = serializers.IntegerField()
    feedback_after = serializers.IntegerField(allow_null=True)
    negative_before = serializers.IntegerField()
    negative_after = serializers.IntegerField(allow_null=True)
    nps_answers_before = serializers.IntegerField()
    nps_answers_after = serializers.IntegerField(allow_null=True)
    nps_mean_before = serializers.FloatField(allow_null=True)
    nps_mean_after = serializers.FloatField(allow_null=True)
    negative_share_before = serializers.FloatField(allow_null=True, help_text="Of the sentiments that count.")
    negative_share_after = serializers.FloatField(allow_null=True)
    revenue_known = serializers.IntegerField(help_text="Customers whose revenue when affected is known.")
    revenue_then = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    revenue_now = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    revenue_change = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    reduced = serializers.IntegerField()
    ended = serializers.IntegerField()
    dropped_tier = serializers.IntegerField()
    reduced_or_ended = serializers.IntegerField()


def post_mortem_data(incident) -> dict:
    post_mortem = trust.post_mortem_of(incident)
    return {
        "incident": incident.pk,
        "trust_assessment": post_mortem.trust_assessment if post_mortem else "",
        "facts": (post_mortem.facts or None) if post_mortem else None,
        "assessed_at": post_mortem.assessed_at if post_mortem else None,
        "assessed_by": post_mortem.assessed_by.username if post_mortem and post_mortem.assessed_by else None,
        "lessons": post_mortem.lessons if post_mortem else "",
        "actions": post_mortem.actions if post_mortem else "",
        "rca": post_mortem.rca if post_mortem else None,
        "live_facts": trust.compute(incident),
        "missing_to_review": trust.missing_to_review(incident),
    }


def recovery_data(user, incident) -> dict:
    return {"window_days": recovery.WINDOW.days, **recovery.present(recovery.for_incident(user, incident))}


class PostMortemActions:
    """Mixed into IncidentViewSet (its `get_object` scopes the incident: 404 outside)."""

    @extend_schema(methods=["GET"], request=None, responses={200: PostMortemOut, **_errors(401, 404)})
    @extend_schema(
        methods=["PUT"],
        request=WritePostMortemSerializer,
        responses={200: PostMortemOut, **_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "put"], url_path="post-mortem", url_name="post-mortem")
    def post_mortem(self, request, pk=None):
        """The incident's post-mortem: root cause (an RCA), trust impact assessment, lessons, actions."""
        incident = self.get_object()
        if request.method == "PUT":
            access.require(request.user, "change", incident)
            payload = WritePostMortemSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            process = data.pop("root_cause_process", None)
            problem = data.pop("root_cause_problem", "")
            named = list(incident.processes.all())
            if process is not None and named and process not in named:
                raise errors.ValidationFailed(
                    {"root_cause_process": ["Choose one of the processes the incident names."]}
                )
            with transaction.atomic():  # the texts and the RCA together, or neither
                services.write(incident=incident, actor=request.user, **data)
                if process is not None:
                    services.open_root_cause(
                        incident=incident, actor=request.user, process=process, problem=problem
                    )
        return Response(PostMortemOut(post_mortem_data(incident)).data)

    @extend_schema(request=None, responses={200: RecoveryOut, **_errors(401, 404)})
    @action(detail=True, methods=["get"])
    def recovery(self, request, pk=None):
        """Recovery of the affected customers you see: 30 days before against 30 days after the start."""
        incident = self.get_object()
        return Response(RecoveryOut(recovery_data(request.user, incident)).data)
