"""The escalations' cast and a one-line way to raise one on a service case."""

from dataclasses import dataclass

from intimacy_ops.accounts.roles import Role
from intimacy_ops.escalations.services import raise_escalation
from tests.factories import user_with
from tests.segments.factories import CustomerFactory, ServiceCaseFactory

# Level 1: the account manager (named); 60 minutes after raising: the region's operations lead;
# 180 minutes after raising: the region's board chair.
LADDER = [
    {"after_minutes": 0, "role": "account manager"},
    {"after_minutes": 60, "role": "operations lead"},
    {"after_minutes": 180, "role": "board chair"},
]


@dataclass
class Cast:
    alice: object  # account manager, EMEA
    bob: object  # account manager, AMER
    oscar: object  # operations lead, EMEA
    otto: object  # operations lead, AMER
    carol: object  # board chair, EMEA
    olivia: object  # process owner, EMEA (sees EMEA escalations, may not act on them)
    ada: object  # auditor
    admin: object


def cast() -> Cast:
    return Cast(
        alice=user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="am.alice"),
        bob=user_with(Role.ACCOUNT_MANAGER, regions=["AMER"], username="am.bob"),
        oscar=user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="ops.oscar"),
        otto=user_with(Role.OPERATIONS_LEAD, regions=["AMER"], username="ops.otto"),
        carol=user_with(Role.BOARD_CHAIR, regions=["EMEA"], username="ccb.carol"),
        olivia=user_with(Role.PROCESS_OWNER, regions=["EMEA"], username="owner.olivia"),
        ada=user_with(Role.AUDITOR, regions=["EMEA", "AMER"], username="audit.ada"),
        admin=user_with(Role.ADMINISTRATOR, regions=[], username="admin"),
    )


def breached_case(manager, region: str = "EMEA", title: str = "Checkout down"):
    customer = CustomerFactory(region__code=region, account_manager=manager)
    return ServiceCaseFactory(customer=customer, title=title)


def escalate(case, *, reason: str = "sla_resolution_breached", ladder=LADDER, named=True, **extra):
    """Raise the escalation a check would raise on a breached case; returns (escalation, created)."""
    values = {"region": case.customer.region, **extra}
    return raise_escalation(
        subject=case,
        reason=reason,
        detail=f"{case.title}: the resolution target passed.",
        subject_label=f"Case {case.external_id}: {case.title}",
        subject_link=f"/segments/cases/{case.pk}/",
        ladder=ladder,
        target_user=case.customer.account_manager if named else None,
        **values,
    )
