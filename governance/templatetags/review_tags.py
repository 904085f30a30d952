"""`{% review_due review today %}`: a review's due date, marked overdue while it is open and past it (a tag,
not an include: the governance queue drew one template per row for it)."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from governance.models import Review
from intimacy_ops import listing
from intimacy_ops.templatetags.money import money
from intimacy_ops.templatetags.when import when

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


@register.simple_tag
def review_rows(rows, today=None, show_status=False) -> str:
    """The `<tr>`s of governance/_review_rows.html, drawn in Python: the same HTML as the loop they replace (a
    template lookup or filter per cell cost ~0.35 ms a row, a fifth of a board member's queue, bench/README.md).
    A test holds the two equal (tests/governance/test_review_rows_html.py)."""
    link = listing.url_for_ids("governance:review")
    kind_label, status_label, outcome_label = (
        listing.choice_labels(Review, name) for name in ("kind", "status", "outcome")
    )
    parts = []
    for review in rows:
        exception = review.exception
        if exception:
            title = exception.title
            risk = conditional_escape(exception.get_risk_rating_display().lower())
            sub = (
                f" · {conditional_escape(exception.customer.name)} · {conditional_escape(exception.customer.region.code)}"
                f' · {conditional_escape(exception.process.name)} · <span data-testid="review-figures">{risk} risk, '
                f"{conditional_escape(money(exception.estimated_monthly_cost))} a month</span>"
            )
        else:
            title, sub = review.title or review, ""
        if review.deferrals:
            sub += f" · deferred {conditional_escape(review.deferrals)}×"
        on_behalf = getattr(review, "on_behalf_of_name", "")
        if on_behalf:
            whose = (
                "your vote, and one on behalf of"
                if getattr(review, "own_vote_waits", "")
                else "a vote on behalf of"
            )
            sub += f' · <strong data-testid="on-behalf">{whose} {conditional_escape(on_behalf)}</strong>'
        status = ""
        if show_status:
            outcome = f" · {outcome_label(review.outcome).lower()}" if review.outcome else ""
            status = f'<td data-label="Status">{status_label(review.status)}{outcome}</td>'
        overdue = "overdue" if today and review.due_on < today else ""
        board = review.board
        parts.append(
            f'\n    <tr data-testid="review-row" data-review="{review.pk}" class="{overdue}">'
            f'\n      <td data-label="Review"><div><a class="name" href="{link(review.pk)}" data-testid="review-link">'
            f'{conditional_escape(title)}</a>\n        <span class="sub">{kind_label(review.kind)}{sub}</span></div></td>'
            f'\n      <td data-label="Board">{conditional_escape(board.name)}</td>'
            f'\n      <td data-label="Due">{review_due(review, today)}</td>'
            f"\n      {status}"
            f'\n      <td data-label="Opened" class="nowrap" data-testid="review-opened">{when(review.opened_at)}</td>'
            f'\n      <td data-label="Votes" class="num">{conditional_escape(getattr(review, "vote_count", None) or 0)}</td>'
            f'\n      <td data-label="Quorum">{conditional_escape(board.quorum)} · '
            f"{conditional_escape(board.get_rule_display().lower())}</td>\n    </tr>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308  (every value escaped, or a tag's safe HTML)
