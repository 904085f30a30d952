"""What feedback declares to the privacy part (found by `intimacy_ops.discovery`, like admin.py).

- A feedback item is a part of its customer (the data subject): its `text` is confidential, shown to the
  customer's account manager, a grantee or break-glass (as the customer's own fields), masked `***` to
  everyone else and access-logged as the customer's `feedbackitem.text`.
- The subject export's `feedback` section: every item about the customer, text and sentiment unmasked; its
  `survey_invitations` section: the surveys asked of them, when, what became of each (and why one was held).
- Retention kind `feedback_items`: anonymize (the text and the sentiment's rationale words are blanked;
  source, score, dates and links stay for the figures) or delete; never a customer on legal hold.
"""

from django.db.models import Q

from feedback.models import FeedbackItem, SurveyInvitation
from intimacy_ops.sensitive import CONFIDENTIAL
from privacy import declare
from privacy.retention.kinds import RetentionKind
from privacy.services.subject_export import iso
from segments.models import Customer


def feedback_section(customer: Customer) -> list[dict]:
    items = FeedbackItem.objects.filter(customer=customer).select_related("process", "created_by")
    return [
        {
            "id": item.pk,
            "source": item.source,
            "score": item.score,
            "text": item.text,
            "received_on": item.received_on.isoformat(),
            "process": item.process.name if item.process else None,
            "exception": item.exception_id,
            "case": item.case_id,
            "actionable": item.actionable,
            "created_by": item.created_by.username if item.created_by else None,
            "created_at": iso(item.created_at),
            "sentiment": item.sentiment,
            "sentiment_score": item.sentiment_score,
            "sentiment_confidence": item.sentiment_confidence,
            "sentiment_rationale": item.sentiment_rationale,
            "sentiment_confirmed": item.sentiment_confirmed,
            "sentiment_corrected_from": item.sentiment_corrected_from,
            "anonymized_at": iso(item.anonymized_at),
        }
        for item in items.order_by("received_on", "id")
    ]


def survey_section(customer: Customer) -> list[dict]:
    """The surveys asked of the customer: which, when, what became of them (and why one was held)."""
    return [
        {
            "id": invitation.pk,
            "survey": invitation.survey,
            "due_on": invitation.due_on.isoformat(),
            "status": invitation.status,
            "held_reason": invitation.held_reason,
            "sent_at": iso(invitation.sent_at),
            "email_state": invitation.email_state,
        }
        for invitation in SurveyInvitation.objects.filter(customer=customer).order_by("due_on", "id")
    ]


declare.part(FeedbackItem, of="customer", fields={"text": CONFIDENTIAL})
declare.export_section(Customer, "feedback", feedback_section, audit_model=FeedbackItem)
declare.export_section(Customer, "survey_invitations", survey_section, audit_model=SurveyInvitation)

declare.retention_kind(
    RetentionKind(
        name="feedback_items",
        label="feedback items",
        model=FeedbackItem,
        older_than=lambda cutoff: FeedbackItem.objects.filter(received_on__lt=cutoff),
        legal_hold=Q(customer__legal_hold=True),
        # The text is what the customer said, in their words; the rationale repeats some of them.
        anonymize={"text": "", "sentiment_rationale": []},
        may_delete=True,
    )
)
