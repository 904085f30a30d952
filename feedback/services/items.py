"""Feedback items: recording one (validated per source), its sentiment suggested only with the customer's consent,
and a person confirming or correcting a suggestion (audited).

- Without the customer's `consent_sentiment`, or without text, nothing is analysed and every sentiment field
  stays empty (the item reads "not analysed: no consent").
- With it, VADER's suggestion is stored as machine-suggested with its score, confidence and rationale words;
  below the confidence threshold it waits for a person (`sentiment_needs_confirmation`) and counts in no
  aggregate until confirmed or corrected (`FeedbackItemQuerySet.counted`).
- While the customer is held (feedback/holds.py: in recovery from an active incident), nothing is analysed:
  `sentiment_paused_reason` says why; the check `feedback.paused_sentiment` analyses it once the hold ends
  (feedback/services/paused.py), under the same consent rule.
- Audit events name the item, its customer, source and score, never its text (the text is confidential).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from exceptions.models import ExceptionRequest, Process
from feedback import holds, sentiment
from feedback.models import SCORE_RANGES, FeedbackItem, Sentiment, Source
from intimacy_ops import access, audit, errors
from segments.models import Customer, ServiceCase

NO_CONSENT = "not analysed: no consent"
NO_TEXT = "not analysed: no text"
MAX_TEXT = 10_000


def score_problems(source: str, score) -> list[str]:
    """What is wrong with this score for this source (CONTRACT.md: NPS 0–10, CES 1–7, no other source has one)."""
    if source not in Source.values:
        return []
    label = Source(source).label
    if source not in SCORE_RANGES:
        return [] if score is None else [f"A {label} carries no score: leave it empty."]
    low, high = SCORE_RANGES[source]
    if score is None:
        return [f"A {label} needs a score from {low} to {high}."]
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        return [f"A {label} score is a whole number from {low} to {high} (this is {score})."]
    return []


def validate(
    *,
    source: str,
    score,
    text: str,
    received_on: datetime.date | None,
    process=None,
    exception=None,
    case=None,
    customer=None,
) -> None:
    """400 naming every field that is wrong."""
    problems: dict[str, list[str]] = {}
    if source not in Source.values:
        problems["source"] = [f"'{source}' is not a source: use {', '.join(Source.values)}."]
    if found := score_problems(source, score):
        problems["score"] = found
    if len(text or "") > MAX_TEXT:
        problems["text"] = [f"At most {MAX_TEXT} characters."]
    if received_on is None:
        problems["received_on"] = ["Required."]
    elif received_on > timezone.localdate():
        problems["received_on"] = ["Cannot be in the future."]
    if customer is not None:
        if exception is not None and exception.customer_id != customer.pk:
            problems["exception"] = ["This exception request is not about this customer."]
        if case is not None and case.customer_id != customer.pk:
            problems["case"] = ["This case is not this customer's."]
    if problems:
        raise errors.ValidationFailed(problems)


def sentiment_values(customer: Customer, text: str, *, held: str = "") -> dict:
    """The sentiment fields of an item about this customer with this text: empty without consent or text;
    paused (empty, with the reason) while the customer is `held`."""
    empty = {
        "sentiment": None,
        "sentiment_score": None,
        "sentiment_confidence": None,
        "sentiment_rationale": [],
        "sentiment_machine_suggested": False,
        "sentiment_needs_confirmation": False,
        "sentiment_paused_reason": "",
    }
    if not customer.consent_sentiment:
        return empty
    if held and (text or "").strip():
        return {**empty, "sentiment_paused_reason": held[:300]}
    suggestion = sentiment.suggest(text)
    if suggestion is None:
        return empty
    return {
        "sentiment": suggestion.label,
        "sentiment_score": suggestion.score,
        "sentiment_confidence": suggestion.confidence,
        "sentiment_rationale": suggestion.rationale,
        "sentiment_machine_suggested": True,
        "sentiment_needs_confirmation": suggestion.needs_confirmation,
        "sentiment_paused_reason": "",
    }


def not_analysed_reason(item: FeedbackItem) -> str:
    """Why an item has no sentiment ("" when it has one)."""
    if item.sentiment is not None:
        return ""
    if item.sentiment_paused_reason:
        return f"paused: {item.sentiment_paused_reason}"
    return NO_CONSENT if not item.customer.consent_sentiment else NO_TEXT


def record_item(
    *,
    actor,
    customer: Customer,
    source: str,
    received_on: datetime.date | None = None,
    score: int | None = None,
    text: str = "",
    process: Process | None = None,
    exception: ExceptionRequest | None = None,
    case: ServiceCase | None = None,
    actionable: bool = False,
) -> FeedbackItem:
    """Record what a customer said (the API, the customer page's insight form); 404 for a customer out of scope."""
    access.require(actor, "create", FeedbackItem)
    customer = access.get_visible(actor, Customer, pk=customer.pk)
    access.require(actor, "log_feedback", customer)
    received_on = received_on or timezone.localdate()
    text = (text or "").strip()
    validate(
        source=source,
        score=score,
        text=text,
        received_on=received_on,
        process=process,
        exception=exception,
        case=case,
        customer=customer,
    )
    with transaction.atomic():
        item = FeedbackItem.objects.create(
            customer=customer,
            source=source,
            score=score,
            text=text,
            received_on=received_on,
            process=process,
            exception=exception,
            case=case,
            actionable=actionable,
            created_by=actor,
            **sentiment_values(customer, text, held=holds.reason_for(customer.pk)),
        )
        audit.record(actor=actor, verb="feedback.recorded", obj=item, after=audit_facts(item))
    return item


def audit_facts(item: FeedbackItem) -> dict:
    """What the trail keeps of an item: never its text."""
    return {
        "customer": item.customer_id,
        "source": item.source,
        "score": item.score,
        "process": item.process_id,
        "received_on": item.received_on.isoformat() if item.received_on else None,
        "sentiment": item.sentiment,
        "sentiment_confidence": item.sentiment_confidence,
        "sentiment_needs_confirmation": item.sentiment_needs_confirmation,
        "sentiment_paused_reason": item.sentiment_paused_reason,
    }


def confirm_sentiment(*, actor, item: FeedbackItem, sentiment_label: str | None = None) -> FeedbackItem:
    """A person settles a suggested sentiment: confirms it (no label, or the same label) or corrects it
    (another label; the machine's stays in `sentiment_corrected_from`). Audited either way; 409 when there
    is nothing to confirm (no sentiment: no consent or no text)."""
    if sentiment_label is not None and sentiment_label not in Sentiment.values:
        raise errors.ValidationFailed(
            {"sentiment": [f"'{sentiment_label}' is not a sentiment: use {', '.join(Sentiment.values)}."]}
        )
    with transaction.atomic():
        item = (
            access.visible(actor, FeedbackItem)
            .select_for_update(of=("self",))
            .select_related("customer")
            .get(pk=item.pk)
        )
        access.require(actor, "confirm_sentiment", item)
        if item.sentiment is None:
            raise errors.Conflict(
                f"This item has no sentiment to confirm ({not_analysed_reason(item)}).",
            )
        before = {
            "sentiment": item.sentiment,
            "sentiment_confirmed": item.sentiment_confirmed,
            "sentiment_corrected_from": item.sentiment_corrected_from,
        }
        corrected = sentiment_label is not None and sentiment_label != item.sentiment
        if corrected:
            # The machine's label is kept once: a second correction still remembers what the machine said.
            if not item.sentiment_corrected_from and item.sentiment_machine_suggested:
                item.sentiment_corrected_from = item.sentiment
            item.sentiment = sentiment_label
        item.sentiment_confirmed = True
        item.sentiment_confirmed_by = actor
        item.sentiment_confirmed_at = timezone.now()
        item.save(
            update_fields=[
                "sentiment",
                "sentiment_confirmed",
                "sentiment_confirmed_by",
                "sentiment_confirmed_at",
                "sentiment_corrected_from",
                "updated_at",
            ]
        )
        audit.record(
            actor=actor,
            verb="feedback.sentiment_corrected" if corrected else "feedback.sentiment_confirmed",
            obj=item,
            before=before,
            after={
                "sentiment": item.sentiment,
                "sentiment_confirmed": True,
                "sentiment_corrected_from": item.sentiment_corrected_from,
                "machine_confidence": item.sentiment_confidence,
            },
        )
    return item
