"""Demo survey invitations (issue 19, item 5), seeded after the incidents: am.alice asks her first six customers
with a contact e-mail for an NPS answer today and two more for a CES answer next week; am.bob asks three of his.
Those in the open warehouse outage are held by the first run of `feedback.surveys_due` (the reason shown on
their page); the others go out. And alice logs an insight about a customer in the outage: its sentiment is
paused until the outage is over. Idempotent: a customer asked already (or the insight there) adds nothing."""

import datetime

from django.utils import timezone

from feedback import holds
from feedback.models import FeedbackItem, Source, SurveyInvitation
from feedback.services import items, surveys
from intimacy_ops import seeding
from intimacy_ops.accounts.models import User
from segments.models import Customer

INSIGHT = "Their logistics lead is furious about the outage: three trucks waited at the dock all morning."


def _customers(manager: User, count: int) -> list[Customer]:
    return list(
        Customer.objects.filter(account_manager=manager, source="crm")
        .exclude(contact_email="")
        .select_related("region")
        .order_by("external_id")[:count]
    )


@seeding.register(name="survey invitations, one held by the outage; a paused sentiment", order=85)
def seed_surveys() -> str:
    if SurveyInvitation.objects.exists():
        return "survey invitations already seeded"
    today = timezone.localdate()
    alice, bob = User.objects.get(username="am.alice"), User.objects.get(username="am.bob")
    scheduled = 0
    plan = [(alice, 8, "nps_survey"), (bob, 3, "nps_survey")]
    for manager, count, survey in plan:
        for n, customer in enumerate(_customers(manager, count)):
            later = n >= 6
            surveys.schedule_survey(
                actor=manager,
                customer=customer,
                survey="ces_survey" if later else survey,
                due_on=today + datetime.timedelta(days=7 if later else 0),
            )
            scheduled += 1
    paused = ""
    # One who consented to sentiment analysis: without consent nothing is analysed, so nothing is paused.
    consenting = Customer.objects.filter(account_manager=alice, consent_sentiment=True).only("id")
    held = holds.reasons_for(c.pk for c in consenting)
    if held and not FeedbackItem.objects.filter(text=INSIGHT).exists():
        customer = Customer.objects.get(pk=min(held))
        items.record_item(actor=alice, customer=customer, source=Source.ACCOUNT_MANAGER_INSIGHT, text=INSIGHT)
        paused = f"; an insight on {customer.name} with its sentiment paused"
    return f"{scheduled} survey invitations{paused}"
