"""Every lifecycle table, as properties: any (state, action) outside a table is a 409 naming what the
state allows, and nothing changes (the object's row, its transition rows, the audit trail); a person the
access rule refuses gets a 403 carrying the rule's reason. Objects are built with the usual factories in
each state; the engine (`lifecycle.apply`) is driven as the services drive it."""

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exceptions.models import ExceptionRequest, ExceptionTransition, ExtensionRequest
from feedback.models import CorrectiveAction, RootCauseAnalysis, SurveyInvitation
from governance.models import Meeting, Review
from incidents.access_rules import RUNS_REFUSAL
from incidents.models import Incident, IncidentUpdate
from intimacy_ops import access, errors, lifecycle
from intimacy_ops.audit import AuditEvent
from intimacy_ops.escalations.models import Escalation
from keyaccounts.models import CustomerLink, HealthReview, Play, Playbook, PlayDue
from privacy.models import BreakGlassSession
from segments.models import ServiceCase, WaitingInterval
from tests.escalations.factories import escalate
from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.factories import user_with
from tests.feedback.factories import RootCauseAnalysisFactory, action
from tests.incidents.factories import incident
from tests.segments.factories import (
    CustomerFactory,
    SegmentFactory,
    ServiceCaseFactory,
    WaitingIntervalFactory,
)

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def s():
    return scenario()


# --- objects in a given state, built with the factories -------------------------------------------


def _exception(s, state: str) -> ExceptionRequest:
    return ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, status=state, route="board")


def _extension(s, state: str) -> ExtensionRequest:
    today = timezone.localdate()
    exception = ExceptionRequestFactory(
        customer=s.acme,
        process=s.fulfilment,
        status="active",
        starts_on=today - datetime.timedelta(days=30),
        expires_on=today + datetime.timedelta(days=30),
    )
    return ExtensionRequest.objects.create(
        exception=exception,
        new_expires_on=today + datetime.timedelta(days=60),
        reason="The customer's season runs longer.",
        requested_by=s.alice,
        requested_at=timezone.now(),
        status=state,
    )


def _review(s, state: str) -> Review:
    exception = ExceptionRequestFactory(
        customer=s.acme, process=s.fulfilment, status="under_review", route="board"
    )
    return Review.objects.create(
        exception=exception,
        board=s.board,
        status=state,
        due_on=timezone.localdate() + datetime.timedelta(days=5),
        opened_at=timezone.now(),
    )


def _meeting(s, state: str) -> Meeting:
    starts_at = timezone.now() + datetime.timedelta(days=-1 if state == "held" else 7)
    return Meeting.objects.create(
        board=s.board,
        title="Monthly review",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
        created_by=s.carol,
        cancelled_at=timezone.now() if state == "cancelled" else None,
    )


def _case(s, state: str) -> ServiceCase:
    case = ServiceCaseFactory(customer=s.acme)
    if state in ("responded", "resolved"):
        case.first_response_at = case.opened_at + datetime.timedelta(minutes=10)
    if state == "resolved":
        case.resolved_at = case.opened_at + datetime.timedelta(minutes=50)
    case.save()
    if state == "waiting_on_customer":
        WaitingIntervalFactory(case=case)
    return case


def _escalation(s, state: str) -> Escalation:
    escalation, _ = escalate(ServiceCaseFactory(customer=s.acme))
    now = timezone.now()
    if state in ("acknowledged", "resolved"):
        escalation.acknowledged_at, escalation.acknowledged_by = now, s.oscar
    if state == "resolved":
        escalation.resolved_at, escalation.resolved_by, escalation.resolution = now, s.oscar, "Fixed."
    escalation.save()
    return escalation


def _break_glass(s, state: str) -> BreakGlassSession:
    now = timezone.now()
    # One open session per person and customer (a constraint): the one an earlier example left is closed.
    BreakGlassSession.objects.filter(user=s.oscar, closed_at__isnull=True).update(closed_at=now)
    session = BreakGlassSession.objects.create(
        user=s.oscar,
        subject=s.acme,
        justification="A P1 outage: the customer's contact is needed now.",
        opened_at=now,
        expires_at=now + datetime.timedelta(hours=1),
    )
    outcome = {"to_review": "", "accepted": "accept", "flagged": "flag"}[state]
    if outcome:
        steward = user_with("data steward", regions=["EMEA"], username="steward.other")
        BreakGlassSession.objects.filter(pk=session.pk).update(
            reviewed_by=steward, reviewed_at=now, review_outcome=outcome
        )
        session.refresh_from_db()
    return session


def _rca(s, state: str) -> RootCauseAnalysis:
    reason = "A duplicate of another analysis." if state == "cancelled" else ""
    rca = RootCauseAnalysisFactory(process=s.fulfilment, status=state, cancel_reason=reason)
    rca.regions.set([s.emea])
    return rca


def _corrective_action(s, state: str) -> CorrectiveAction:
    return action(RootCauseAnalysisFactory(process=s.fulfilment, status="actions_planned"), s.olivia, state)


def _customer_link(s, state: str) -> CustomerLink:
    now = timezone.now()
    return CustomerLink.objects.create(
        customer=s.acme,
        contact_name="Pat Buyer",
        secret_hash=secrets.token_hex(32),
        issued_by=s.alice,
        issued_at=now,
        expires_at=now + datetime.timedelta(days=5),
        status=state,
        revoked_at=now if state == "revoked" else None,
    )


def _play_due(s, state: str) -> PlayDue:
    book = Playbook.objects.create(
        segment=s.acme.segment or SegmentFactory(),
        version=Playbook.objects.count() + 1,
        effective_on=timezone.localdate(),
        created_by=s.olivia,
        created_at=timezone.now(),
    )
    play = Play.objects.create(
        playbook=book,
        position=1,
        title="Kick-off call",
        trigger="onboarding",
        role="account manager",
        days_to_do=5,
    )
    return PlayDue.objects.create(
        customer=s.acme,
        play=play,
        occurrence=f"onboarding:{secrets.token_hex(4)}",
        due_on=timezone.localdate(),
        status=state,
        created_at=timezone.now(),
    )


def _health_review(s, state: str) -> HealthReview:
    # One review per customer and period (a constraint): each example its own period.
    number = HealthReview.objects.count() + 1
    now = timezone.now()
    return HealthReview.objects.create(
        customer=s.acme,
        period=f"T-{number}",
        period_starts_on=datetime.date(2026, 10, 1),
        period_ends_on=datetime.date(2026, 12, 31),
        due_on=datetime.date(2026, 12, 31),
        account_manager=s.alice,
        status=state,
        completed_at=now if state == "completed" else None,
        opened_at=now,
    )


def _incident(s, state: str) -> Incident:
    return incident(s.oscar, [s.emea], state)


def _survey_invitation(s, state: str) -> SurveyInvitation:
    # One open invitation per customer and survey (a constraint): each example asks its own customer.
    return SurveyInvitation.objects.create(
        customer=CustomerFactory(region=s.emea, account_manager=s.alice),
        survey="nps_survey",
        due_on=timezone.localdate(),
        status=state,
        held_reason="customer in recovery from incident #1 'Outage'" if state == "suppressed" else "",
    )


@dataclass(frozen=True)
class Subject:
    build: Callable
    actor: Callable  # who would be allowed in a state that allows it: the 409 must come first anyway
    authority: str = lifecycle.PERSON


SUBJECTS = {
    ExceptionRequest: Subject(_exception, lambda s: None, lifecycle.SYSTEM),
    ExtensionRequest: Subject(_extension, lambda s: s.oscar),
    Review: Subject(_review, lambda s: s.carol),
    Meeting: Subject(_meeting, lambda s: s.carol),
    ServiceCase: Subject(_case, lambda s: s.alice),
    Escalation: Subject(_escalation, lambda s: s.oscar),
    BreakGlassSession: Subject(_break_glass, lambda s: user_with("data steward", regions=["EMEA"])),
    RootCauseAnalysis: Subject(_rca, lambda s: s.olivia),
    CorrectiveAction: Subject(_corrective_action, lambda s: s.olivia),
    CustomerLink: Subject(_customer_link, lambda s: s.alice),
    PlayDue: Subject(_play_due, lambda s: s.alice),
    HealthReview: Subject(_health_review, lambda s: s.alice),
    Incident: Subject(_incident, lambda s: s.oscar),
    SurveyInvitation: Subject(_survey_invitation, lambda s: s.alice),
}


def test_every_registered_table_has_a_property_test_here():
    assert {table.model for table in lifecycle.tables()} == set(SUBJECTS)


def _outside(model) -> list[tuple[str, str]]:
    table = lifecycle.table_of(model)
    return [
        (state, action)
        for state in table.states
        for action, row in table.rows.items()
        if state not in row.sources
    ]


def _world(obj) -> tuple:
    """What a refused transition must leave as it was."""
    model = type(obj)
    return (
        model.objects.filter(pk=obj.pk).values().get(),
        ExceptionTransition.objects.count(),
        WaitingInterval.objects.count(),
        IncidentUpdate.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("model", list(SUBJECTS), ids=lambda model: model.__name__)
@PROPERTY
@given(data=st.data())
def test_a_state_and_action_outside_the_table_is_409_and_changes_nothing(s, model, data):
    state, action = data.draw(st.sampled_from(_outside(model)), label="state, action")
    subject = SUBJECTS[model]
    obj = subject.build(s, state)
    assert lifecycle.table_of(model).state(obj) == state
    before = _world(obj)
    with pytest.raises(errors.TransitionNotAllowed) as refused, transaction.atomic():
        lifecycle.apply(obj, action, actor=subject.actor(s), authority=subject.authority, comment="because")
    assert refused.value.status == 409
    assert refused.value.extra["allowed_actions"] == lifecycle.table_of(model).actions_from(state)
    obj = model.objects.get(pk=obj.pk)
    assert lifecycle.table_of(model).state(obj) == state
    assert _world(obj) == before


def test_every_persons_who_names_a_registered_access_rule():
    for table in lifecycle.tables():
        for row in table.rows.values():
            if row.who.rule:
                assert (table.model, row.who.rule) in access._rules, (table.model.__name__, row.action)


# --- 403: the rule's reason, word for word ---------------------------------------------------------


@pytest.mark.parametrize(
    "model, action, refused, reason",
    [
        (Review, "decide", "dan", "Only the board's chair records its decision."),
        (Meeting, "cancel", "dan", "Only the chair of Change board cancels its meetings."),
        (
            ExtensionRequest,
            "approve",
            "alice",
            "Only an operations lead of the customer's region decides this extension.",
        ),
        (
            ExceptionRequest,
            "revoke",
            "alice",
            "Only an operations lead of the customer's region or the board may revoke this exception.",
        ),
        (
            BreakGlassSession,
            "flag",
            "oscar",
            "Only data stewards grant, revoke and review access to sensitive data.",
        ),
        (
            RootCauseAnalysis,
            "close",
            "oscar",
            "Only the RCA's owner, the process's owner or an administrator works on this analysis.",
        ),
        (Incident, "resolve", "alice", RUNS_REFUSAL),
        (Incident, "review", "olivia", RUNS_REFUSAL),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_a_person_the_rule_refuses_gets_403_with_the_rules_reason(s, model, action, refused, reason):
    row = lifecycle.table_of(model).rows[action]
    state = sorted(row.sources)[0]
    obj = {
        Review: _review,
        Meeting: _meeting,
        ExtensionRequest: _extension,
        ExceptionRequest: lambda s, state: _exception(s, "active"),
        BreakGlassSession: _break_glass,
        RootCauseAnalysis: _rca,
        Incident: _incident,
    }[model](s, state)
    person = getattr(s, refused)
    before = _world(obj)
    with pytest.raises(errors.PermissionDenied) as denied, transaction.atomic():
        lifecycle.apply(obj, action, actor=person, comment="because")
    assert denied.value.status == 403
    assert denied.value.message == reason == access.allowed(person, row.who.rule, obj).reason
    assert _world(obj) == before


def test_a_board_or_the_system_where_the_table_does_not_accept_them_is_403_with_the_tables_reason(s):
    meeting = _meeting(s, "scheduled")
    with pytest.raises(errors.PermissionDenied) as denied:
        lifecycle.apply(meeting, "cancel", authority=lifecycle.SYSTEM)
    assert denied.value.message == lifecycle.AUTOMATIC


def test_the_buttons_are_the_actions_the_table_and_the_rules_allow_now(s):
    review = _review(s, "open")
    assert "decide" in lifecycle.actions_for(s.carol, review)
    assert "decide" not in lifecycle.actions_for(s.dan, review)
    review.status = "decided"
    assert lifecycle.actions_for(s.carol, review) == []
