"""`{% review_due review today %}`: a review's due date, marked overdue while it is open and past it (a tag,
not an include: the governance queue drew one template per row for it)."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from governance.models import Review

register = template.Library()


@register.simple_tag
def review_due(review, today=None) -> str:
    """`today`: the page's date (a page without one: today's)."""
    today = today or timezone.localdate()
    due = date_format(review.due_on, "j M Y")
    if review.status == Review.Status.OPEN and review.due_on < today:
        return format_html(
            '<span class="due overdue" data-testid="due" data-overdue="true" title="Overdue">{} · overdue</span>',
            due,
        )
    return format_html('<span class="due" data-testid="due">{}</span>', due)
