"""The authorization matrix's world: one person per demo role (all in EMEA) and, for every kind of object,
one that is theirs, one of someone else in their region (EMEA) and one in another region (AMER).

"Theirs" is read per role: the account manager's customer and request, the process owner's process, the
board the chair and the member sit on, the escalation raised to them by name, their own grant, break-glass
session, access-log row, import and calendar feed. For a role that owns nothing of a kind (an auditor and a
customer), "own" is just one more object of their region.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from exceptions.models import ExceptionRequest, ExtensionRequest, RoutingThreshold
from feedback.models import FeedbackItem, RootCauseAnalysis, SurveyInvitation
from governance.models import AgendaItem, Board, CalendarFeed, Condition, Meeting, Review, ThresholdPolicy
from incidents.models import AffectedCustomer, Incident
from intimacy_ops.accounts.roles import Role
from intimacy_ops.conversation.models import Attachment
from intimacy_ops.conversation.services import post_comment
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications.models import Notification
from intimacy_ops.saved_views.models import SavedView
from keyaccounts.models import CustomerLink, HealthReview, HealthScore, HealthWeights, Play, Playbook, PlayDue
from privacy.models import AccessLogEntry, BreakGlassSession, SensitiveAccessGrant
from segments.models import ImportRun, SlaPolicy, ThresholdChange
from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory, RoutingThresholdFactory
from tests.factories import RegionFactory, user_with
from tests.segments.factories import CustomerFactory, ServiceCaseFactory, tiers

GROUPS = {
    # short name used in the table → the Django group
    "am": Role.ACCOUNT_MANAGER,
    "owner": Role.PROCESS_OWNER,
    "chair": Role.BOARD_CHAIR,
    "member": Role.BOARD_MEMBER,
    "lead": Role.OPERATIONS_LEAD,
    "steward": Role.DATA_STEWARD,
    "auditor": Role.AUDITOR,
    "admin": Role.ADMINISTRATOR,
}
KINDS = ("own", "region", "other")  # theirs, someone else's in their region (EMEA), in another region (AMER)

# A value every sensitive field of the world's customers carries: no denial log may ever show it.
SECRET_EMAIL = "private.person@secret.example"
SECRET_NOTES = "prefers calls after 6pm; divorce pending"


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role short name → user
    others: dict = field(default_factory=dict)  # the people who own what is not the users'
    objects: dict = field(default_factory=dict)  # (model key, kind) → object, or {role: object} when per role

    def obj(self, key: str, kind: str, role: str):
        found = self.objects[(key, kind)]
        return found[role] if isinstance(found, dict) else found


def rca_of(process, region, customer) -> RootCauseAnalysis:
    """An open RCA on the process (its owner's), about the region's customer, triggered by one detractor."""
    rca = RootCauseAnalysis.objects.create(
        process=process, owner=process.owner, problem=f"Late on {process.name}"
    )
    rca.regions.set([region])
    item = FeedbackItem.objects.create(
        customer=customer, source="nps_survey", score=2, received_on=timezone.localdate(), process=process
    )
    rca.triggering_items.set([item])
    return rca


def attachment_on(exception) -> Attachment:
    comment = post_comment(obj=exception, author=exception.requested_by, body="Minutes attached.")
    attachment = Attachment(comment=comment, token=f"world{exception.pk}", name="minutes.txt", size_bytes=5)
    attachment.file.save(attachment.token, ContentFile(b"notes"), save=False)
    attachment.save()
    return attachment


def build_world() -> World:
    world = World()
    emea, amer = RegionFactory(code="EMEA"), RegionFactory(code="AMER")
    for short, role in GROUPS.items():
        world.users[short] = user_with(role, regions=["EMEA"], username=f"matrix.{short}")
    u = world.users
    # The others: the people who own the "region" (EMEA) and "other" (AMER) objects.
    am2 = user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="matrix.am2")
    am_amer = user_with(Role.ACCOUNT_MANAGER, regions=["AMER"], username="matrix.am.amer")
    owner2 = user_with(Role.PROCESS_OWNER, regions=["EMEA"], username="matrix.owner2")
    owner_amer = user_with(Role.PROCESS_OWNER, regions=["AMER"], username="matrix.owner.amer")
    chair2 = user_with(Role.BOARD_CHAIR, regions=["EMEA"], username="matrix.chair2")
    member2 = user_with(Role.BOARD_MEMBER, regions=["EMEA"], username="matrix.member2")
    chair_amer = user_with(Role.BOARD_CHAIR, regions=["AMER"], username="matrix.chair.amer")
    member_amer = user_with(Role.BOARD_MEMBER, regions=["AMER"], username="matrix.member.amer")
    lead_amer = user_with(Role.OPERATIONS_LEAD, regions=["AMER"], username="matrix.lead.amer")
    steward_amer = user_with(Role.DATA_STEWARD, regions=["AMER"], username="matrix.steward.amer")
    # A board member who sits on none of the world's boards: the one a chair may co-opt to any review.
    spare = user_with(Role.BOARD_MEMBER, regions=["EMEA"], username="matrix.spare")
    world.others.update(am2=am2, member2=member2, spare=spare)
    RoutingThresholdFactory(region=emea)
    RoutingThresholdFactory(region=amer)
    strategic, premier, standard = tiers()
    world.objects[("segment", "own")] = strategic
    world.objects[("sla-policy", "own")] = SlaPolicy.objects.create(
        segment=standard, priority="P3", first_response_minutes=240, resolution_minutes=2880
    )
    now = timezone.now()
    today = timezone.localdate()

    people = {
        # kind: (region, account manager, process owner, board chair, board member)
        "own": (emea, u["am"], u["owner"], u["chair"], u["member"]),
        "region": (emea, am2, owner2, chair2, member2),
        "other": (amer, am_amer, owner_amer, chair_amer, member_amer),
    }
    for kind, (region, manager, owner, chair, member) in people.items():
        customer = CustomerFactory(
            name=f"{kind.title()} Customer",
            region=region,
            account_manager=manager,
            segment=standard,
            contact_email=SECRET_EMAIL,
            personal_notes=SECRET_NOTES,
        )
        process = ProcessFactory(name=f"{kind.title()} process", owner=owner)
        exception = ExceptionRequestFactory(
            customer=customer,
            process=process,
            requested_by=manager,
            status=ExceptionRequest.Status.UNDER_REVIEW,
            route="board",
        )
        draft = ExceptionRequestFactory(customer=customer, process=process, requested_by=manager)
        # Below the region's thresholds: waiting for a single approver, an operations lead of the region.
        waiting_for_lead = ExceptionRequestFactory(
            customer=customer,
            process=process,
            requested_by=manager,
            status=ExceptionRequest.Status.SUBMITTED,
            route="lead",
        )
        board = Board.objects.create(name=f"{kind.title()} board", chair=chair, categories=[], quorum=2)
        board.members.set([chair, member])
        board.regions.set([region])
        review = Review.objects.create(
            exception=exception, board=board, due_on=today + datetime.timedelta(days=5), opened_at=now
        )
        meeting = Meeting.objects.create(
            board=board,
            title=f"{kind.title()} board meeting",
            starts_at=now + datetime.timedelta(days=3),
            ends_at=now + datetime.timedelta(days=3, hours=1),
            created_by=chair,
        )
        AgendaItem.objects.create(meeting=meeting, review=review, position=0)
        extension = ExtensionRequest.objects.create(
            exception=exception,
            new_expires_on=exception.expires_on + datetime.timedelta(days=30),
            reason="Peak season runs longer.",
            requested_by=manager,
            requested_at=now,
        )
        policy = ThresholdPolicy.objects.create(
            name=f"{kind.title()} policy", scope="process", process=process, max_active_exceptions=50
        )
        proposal = Review.objects.create(
            kind=Review.Kind.SUNSET,
            process=process,
            board=board,
            title=f"Sunset the exceptions on {process.name}",
            due_on=today + datetime.timedelta(days=10),
            opened_at=now,
        )
        proposal.covered.set([exception])
        condition = Condition.objects.create(
            review=review,
            description="Report monthly.",
            owner=manager,
            due_on=today + datetime.timedelta(days=20),
        )
        case = ServiceCaseFactory(customer=customer)
        # An unsure suggestion on the customer's feedback about the kind's process: it waits for confirmation.
        feedback = FeedbackItem.objects.create(
            customer=customer,
            process=process,
            source="account_manager_insight",
            text="The crew was late again.",
            received_on=today,
            sentiment="neutral",
            sentiment_confidence=0.0,
            sentiment_machine_suggested=True,
            sentiment_needs_confirmation=True,
        )
        rca = rca_of(process, region, customer)
        link = CustomerLink.objects.create(
            customer=customer,
            contact_name=f"{kind.title()} contact",
            secret_hash=kind.ljust(64, "0"),
            issued_by=manager,
            issued_at=now,
            expires_at=now + datetime.timedelta(days=30),
        )
        health_review = HealthReview.objects.create(
            customer=customer,
            period="2026-Q4",
            period_starts_on=datetime.date(2026, 10, 1),
            period_ends_on=datetime.date(2026, 12, 31),
            due_on=datetime.date(2026, 12, 31),
            account_manager=manager,
            opened_at=now,
        )
        # A scheduled NPS survey to the customer's contact, asked by its account manager.
        invitation = SurveyInvitation.objects.create(
            customer=customer,
            survey="nps_survey",
            due_on=today + datetime.timedelta(days=3),
            scheduled_by=manager,
        )
        world.objects.update(
            {
                ("health-review", kind): health_review,
                ("survey-invitation", kind): invitation,
                ("customer", kind): customer,
                ("case", kind): case,
                ("process", kind): process,
                ("exception", kind): exception,
                ("lead-exception", kind): waiting_for_lead,
                ("draft", kind): draft,
                ("board", kind): board,
                ("review", kind): review,
                ("proposal", kind): proposal,
                ("condition", kind): condition,
                ("meeting", kind): meeting,
                ("extension", kind): extension,
                ("threshold-policy", kind): policy,
                ("feedback", kind): feedback,
                ("rca", kind): rca,
                ("customer-link", kind): link,
                ("health-score", kind): HealthScore.objects.create(
                    customer=customer, computed_on=today, computed_at=now, score=80, line=60, below_line=False
                ),
            }
        )
    for kind in KINDS:  # a comment with a file on each kind's request (intimacy_ops/conversation)
        world.objects[("attachment", kind)] = attachment_on(world.objects[("exception", kind)])
    # Incidents (open): the lead's own, another EMEA lead's, an AMER lead's.
    lead2 = user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="matrix.lead2")
    for kind, (region, owner) in {
        "own": (emea, u["lead"]),
        "region": (emea, lead2),
        "other": (amer, lead_amer),
    }.items():
        incident = Incident.objects.create(
            title=f"{kind.title()} outage",
            kind="outage",
            severity="major",
            started_at=now - datetime.timedelta(hours=2),
            detected_at=now - datetime.timedelta(hours=1),
            owner=owner,
        )
        incident.regions.set([region])
        AffectedCustomer.objects.create(
            incident=incident, customer=world.objects[("customer", kind)], via="rule", added_at=now
        )
        world.objects[("incident", kind)] = incident
    # A playbook of the customers' tier (global, like the tiers) and a play due for each kind's customer.
    playbook = Playbook.objects.create(
        segment=standard, version=1, effective_on=today, created_by=u["admin"], created_at=now
    )
    play = Play.objects.create(
        playbook=playbook,
        position=1,
        title="Kick-off call",
        trigger="onboarding",
        role="account manager",
        days_to_do=5,
    )
    for kind in KINDS:
        world.objects[("playbook", kind)] = playbook
        world.objects[("play", kind)] = PlayDue.objects.create(
            customer=world.objects[("customer", kind)],
            play=play,
            occurrence="onboarding:matrix",
            due_on=today,
            created_at=now,
        )
    world.objects[("region", "own")] = world.objects[("region", "region")] = emea
    # The health score's weights are per region: EMEA's newest version is "own" and "region" (a PUT on it
    # makes the next one; the body's `based_on` is the path's version).
    for kind, region in (("own", emea), ("region", emea), ("other", amer)):
        world.objects[("health-weights", kind)] = HealthWeights.objects.get_or_create(
            region=region, version=1, defaults={"set_at": now}
        )[0]
    world.objects[("region", "other")] = amer
    world.objects[("user", "own")] = dict(u)
    world.objects[("user", "region")] = am2
    world.objects[("user", "other")] = am_amer
    # Routing thresholds are per region: EMEA's is both "own" and "region" for people of EMEA.
    world.objects[("routing-threshold", "own")] = RoutingThreshold.objects.get(region=emea)
    world.objects[("routing-threshold", "region")] = world.objects[("routing-threshold", "own")]
    world.objects[("routing-threshold", "other")] = RoutingThreshold.objects.get(region=amer)
    # A tier threshold change is global, like the tiers: the same history entry for everyone.
    change = ThresholdChange.objects.create(
        batch="matrix", applied_by=u["admin"], applied_at=now, before={}, after={}, moved=0, regions=[]
    )
    for kind in ("own", "region", "other"):
        world.objects[("threshold-change", kind)] = change

    # Per role "own": the escalation raised to them, their grant, break-glass session, access-log row,
    # import and calendar feed. Region/other: those of someone else in EMEA / in AMER.
    emea_customer = world.objects[("customer", "region")]
    amer_customer = world.objects[("customer", "other")]
    case_type = ContentType.objects.get_for_model(world.objects[("case", "own")])

    def escalation(region, target, case):
        return Escalation.objects.create(
            content_type=case_type,
            object_id=case.pk,
            subject_label=f"Case {case.pk}",
            reason=f"matrix_{target.username}_{case.pk}",
            region=region,
            target_user=target,
            raised_at=now,
            level_raised_at=now,
        )

    def grant(user, customer):
        return SensitiveAccessGrant.objects.create(
            user=user,
            subject=customer,
            purpose="Renewal negotiation",
            granted_by=u["steward"],
            granted_at=now,
            expires_at=now + datetime.timedelta(days=2),
        )

    def break_glass(user, customer):
        return BreakGlassSession.objects.create(
            user=user,
            subject=customer,
            justification="Customer on the phone, outage",
            opened_at=now - datetime.timedelta(hours=1),
            expires_at=now + datetime.timedelta(hours=1),
        )

    def log_row(user, customer):
        return AccessLogEntry.objects.create(
            user=user,
            subject=customer,
            fields=["contact_email"],
            at=now,
            purpose="own account",
            channel="api",
        )

    def import_run(user, region=None):
        run = ImportRun.objects.create(kind="customers", filename="customers.csv", started_by=user)
        run.regions.set([region or emea])  # the region of the customers its rows describe
        return run

    def feed(user):
        return CalendarFeed.objects.create(user=user)

    def notice(user):
        return Notification.objects.create(recipient=user, subject="Something happened", link="/")

    def saved_view(user):
        return SavedView.objects.create(
            user=user, list_key="exceptions:list", name="Mine", query="status=active"
        )

    region_case, amer_case = world.objects[("case", "region")], world.objects[("case", "other")]
    for key, make_own, make_region, make_other in (
        (
            "escalation",
            lambda user: escalation(emea, user, region_case),
            lambda: escalation(emea, am2, region_case),
            lambda: escalation(amer, am_amer, amer_case),
        ),
        (
            "grant",
            lambda user: grant(user, emea_customer),
            lambda: grant(am2, emea_customer),
            lambda: grant(am_amer, amer_customer),
        ),
        (
            "break-glass",
            lambda user: break_glass(user, emea_customer),
            lambda: break_glass(am2, emea_customer),
            lambda: break_glass(am_amer, amer_customer),
        ),
        (
            "access-log",
            lambda user: log_row(user, emea_customer),
            lambda: log_row(am2, emea_customer),
            lambda: log_row(am_amer, amer_customer),
        ),
        ("import", import_run, lambda: import_run(am2), lambda: import_run(lead_amer, amer)),
        ("calendar-feed", feed, lambda: feed(am2), lambda: feed(am_amer)),
        ("notification", notice, lambda: notice(am2), lambda: notice(am_amer)),
        ("saved-view", saved_view, lambda: saved_view(am2), lambda: saved_view(am_amer)),
    ):
        world.objects[(key, "own")] = {short: make_own(user) for short, user in u.items()}
        world.objects[(key, "region")] = make_region()
        world.objects[(key, "other")] = make_other()
    del steward_amer, premier  # people and tiers that only need to exist
    return world
