"""Demo playbooks (issue 20, item 1): a version per tier, published by owner.olivia and dated as in force for
60 days, the `keyaccounts.plays_due` check run once, and am.alice's first tier-1 customer shaped mid-playbook:
the kick-off done, the account plan review due, the executive sponsor introduction two days overdue.
Idempotent: a tier that has a playbook keeps it; the shaping is done once (the kick-off found done)."""

import datetime

from django.utils import timezone

from intimacy_ops.accounts.models import User
from keyaccounts.models import Playbook, PlayDue
from keyaccounts.playbooks import check, services
from segments.models import Customer, Segment

AM, LEAD = "account manager", "operations lead"


def _play(title, trigger, role, days, what="", every=None) -> dict:
    return {
        "title": title,
        "what": what,
        "trigger": trigger,
        "role": role,
        "days_to_do": days,
        "every_days": every,
    }


PLAYS = {
    1: [
        _play("Kick-off call", "onboarding", AM, 5, "Agree goals, contacts and the first 90 days."),
        _play("Executive sponsor introduction", "onboarding", LEAD, 14, "Our lead meets their sponsor."),
        _play("Account plan review", "cadence", AM, 7, "Walk the account plan with the customer.", every=30),
        _play("Call after an escalation", "escalation", AM, 2, "Explain what happened and what changes."),
        _play("Incident follow-up call", "incident", AM, 1, "Tell them before they ask."),
        _play("Quarterly service review preparation", "cadence", LEAD, 10, every=90),
    ],
    2: [
        _play("Welcome call", "onboarding", AM, 7),
        _play("Check-in", "cadence", AM, 7, "A short call: anything we should know?", every=60),
        _play("Escalation follow-up", "escalation", AM, 3),
        _play("Incident note", "incident", AM, 2, "A written note of impact and remedy."),
    ],
    3: [
        _play("Welcome e-mail", "onboarding", AM, 10),
        _play("Incident notice", "incident", AM, 3),
    ],
}


def seed_playbooks() -> str:
    olivia = User.objects.filter(username="owner.olivia").first()
    if olivia is None:
        return "no owner.olivia: no playbooks"
    today = timezone.localdate()
    published = 0
    for segment in Segment.objects.order_by("rank"):
        if Playbook.objects.filter(segment=segment).exists():
            continue
        book = services.publish_version(
            actor=olivia,
            segment=segment,
            effective_on=today,
            note="The first playbook of the tier.",
            plays=PLAYS.get(segment.rank, PLAYS[3]),
        )
        # The demo's history: in force for 60 days already (a person can only publish from today on).
        Playbook.objects.filter(pk=book.pk).update(effective_on=today - datetime.timedelta(days=60))
        published += 1
    result = check.run_plays(today=today)
    return f"{published} playbooks published; {result.summary}; {_shape(today)}"


def _shape(today: datetime.date) -> str:
    alice = User.objects.filter(username="am.alice").first()
    customer = (
        Customer.objects.filter(account_manager=alice, segment__rank=1).order_by("pk").first()
        if alice
        else None
    )
    if customer is None:
        return "no tier-1 customer of am.alice"
    plays = PlayDue.objects.filter(customer=customer).select_related("play", "customer")
    if plays.filter(play__title="Kick-off call", status=PlayDue.Status.DONE).exists():
        return f"{customer.name} already mid-playbook"
    kickoff = plays.filter(play__title="Kick-off call", status=PlayDue.Status.DUE).first()
    if kickoff is not None:
        services.mark_done(
            actor=alice, play_due=kickoff, note="Goals agreed with their COO; contacts confirmed."
        )
    # Dated back: introduced two days late (the check reminds am.alice of it at its next run).
    plays.filter(play__title="Executive sponsor introduction", status=PlayDue.Status.DUE).update(
        due_on=today - datetime.timedelta(days=2)
    )
    return f"{customer.name} mid-playbook (kick-off done, sponsor introduction overdue, plan review due)"
