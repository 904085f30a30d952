"""Sentiment paused while the customer was held (issue 19, item 5), analysed once the hold ended: the check
`feedback.paused_sentiment`. The consent rule is the recording's (`items.sentiment_values`): a customer who
withdrew consent meanwhile gets nothing analysed; a suggestion below the confidence threshold waits for a person.

Set-based: the paused items (a partial index) in `SKIP LOCKED` batches; per batch one holds question, one
`UPDATE … FROM (VALUES …)` of the analysed rows (re-read under the lock: a second run, even at once, finds
them no longer paused), one audit batch (`feedback.sentiment_resumed`, never the text).
"""

from feedback import holds
from feedback.imports import SENTIMENT_FIELDS
from feedback.models import FeedbackItem
from feedback.services.items import sentiment_values
from intimacy_ops import audit, checks
from intimacy_ops.bulk_update import update_from_values

BATCH_SIZE = 500


def _analyse(batch: list[FeedbackItem]) -> int:
    reasons = holds.reasons_for(item.customer_id for item in batch)
    ended = [item for item in batch if item.customer_id not in reasons]
    for item in ended:
        for name, value in sentiment_values(item.customer, item.text).items():
            setattr(item, name, value)
    update_from_values(ended, list(SENTIMENT_FIELDS), model=FeedbackItem)
    audit.record_many(
        [
            {
                "actor": None,
                "verb": "feedback.sentiment_resumed",
                "obj": item,
                "after": {
                    "sentiment": item.sentiment,
                    "sentiment_confidence": item.sentiment_confidence,
                    "sentiment_needs_confirmation": item.sentiment_needs_confirmation,
                },
                "comment": "The hold ended: analysed.",
            }
            for item in ended
        ],
        returning=False,
    )
    return len(ended)


def analyse_paused() -> checks.CheckResult:
    """Analyse the paused items of customers no longer held. Idempotent, safe twice at once."""
    paused = FeedbackItem.objects.exclude(sentiment_paused_reason="")
    ids = list(paused.order_by("pk").values_list("pk", flat=True))
    rows = paused.select_related("customer").only(
        "id",
        "text",
        "customer_id",
        "source",  # with received_on: how an audit event names the item (its __str__)
        "received_on",
        "sentiment_paused_reason",
        "customer__consent_sentiment",
        "customer__name",
    )
    done = checks.in_locked_batches(rows, ids, _analyse, size=BATCH_SIZE)
    analysed = sum(done)
    return checks.CheckResult(
        summary=f"{checks.plural(analysed, 'paused feedback item')} analysed, {len(ids) - analysed} still paused",
        counts={"analysed": analysed, "paused": len(ids) - analysed},
    )
