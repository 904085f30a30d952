"""Factories of the feedback app: items and root-cause analyses written straight to the tables (for the
lifecycle tables and constraints); use the services and the API otherwise."""

import datetime

import factory
from django.utils import timezone

from feedback.models import CorrectiveAction, FeedbackItem, RootCauseAnalysis, Source, WhyStep
from tests.segments.factories import CustomerFactory


class FeedbackItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackItem

    customer = factory.SubFactory(CustomerFactory)
    source = Source.ACCOUNT_MANAGER_INSIGHT
    score = None
    text = "The Saturday deliveries arrive late again."
    received_on = factory.LazyFunction(timezone.localdate)


class RootCauseAnalysisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RootCauseAnalysis

    process = None  # required: pass one
    owner = factory.LazyAttribute(lambda o: o.process.owner)
    problem = "Deliveries arrive late on Saturdays."
    status = RootCauseAnalysis.Status.OPEN


def why(rca: RootCauseAnalysis, position: int, question: str = "Why?", answer: str = "") -> WhyStep:
    return WhyStep.objects.create(rca=rca, position=position, question=question, answer=answer)


def action(rca: RootCauseAnalysis, owner, status: str = "planned", days: int = 7) -> CorrectiveAction:
    return CorrectiveAction.objects.create(
        rca=rca,
        description="Add a second Saturday shift.",
        owner=owner,
        due_on=timezone.localdate() + datetime.timedelta(days=days),
        status=status,
    )
