"""`{% customer_exceptions customer %}`: the Exceptions section of a customer's page (segments' template).

A template tag, not an import: segments never imports exceptions (STYLE.md, dependency direction).
"""

from django import template
from django.template.defaultfilters import date
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from exceptions import selectors
from exceptions.models import ExceptionRequest
from intimacy_ops import access, listing
from intimacy_ops.listing import choice_labels
from intimacy_ops.listing import escape_text as _escape
from intimacy_ops.templatetags.money import money
from intimacy_ops.templatetags.when import when

register = template.Library()


@register.inclusion_tag("exceptions/_customer_exceptions.html", takes_context=True)
def customer_exceptions(context, customer) -> dict:
    user = context["request"].user
    return {
        "customer": customer,
        "rows": selectors.for_customer(user, customer),
        "out_of_view": selectors.out_of_view_count(user, ExceptionRequest.objects.filter(customer=customer)),
        "may_request": bool(access.allowed(user, "request_exception", customer)),
    }


@register.simple_tag
def status_pill(status: str, label: str, big: bool = False) -> str:
    """A request's status as a pill: `{% status_pill row.status row.get_status_display %}` (a tag, not an
    include: a list drew one template per row for it)."""
    return format_html(
        '<span class="pill pill-status s-{}{}" data-testid="status" data-status="{}">{}</span>',
        status,
        " big" if big else "",
        status,
        label,
    )


@register.simple_tag
def request_rows(rows, show_requester=False, headers=None, show_waiting=False) -> str:
    """The `<tr>`s of exceptions/_rows.html, drawn in Python: the same HTML as the loop they replace (one
    template lookup or filter per cell cost ~0.4 ms a row, a fifth of a list page's CPU).

    `{% request_rows rows show_requester headers show_waiting %}`: `headers` (the sortable headers) adds the
    Raised column; `show_waiting` without them the Risk and Waiting since columns. Labels, amounts and dates
    are looked up once per distinct value (a page repeats them), each as Django's filter draws it."""
    status_label, kind_label, risk_label = (
        choice_labels(ExceptionRequest, name) for name in ("status", "kind", "risk_rating")
    )
    amount, day = _once(money), _once(_day)
    link = listing.url_for_ids("exceptions:detail")
    parts = []
    for row in rows:
        sub = [_escape(row.process.name), " · ", kind_label(row.kind)]
        if show_requester:
            sub += [" · ", _escape(row.requested_by.display_name)]
        on_behalf = getattr(row, "on_behalf_of_name", "")
        if on_behalf:
            sub += [' · <strong data-testid="on-behalf">on behalf of ', _escape(on_behalf), "</strong>"]
        expires = _escape(day(row.expires_on)) if row.expires_on else '<span class="muted">permanent</span>'
        if headers:
            extra = f'<td data-label="Raised" class="nowrap" data-testid="raised">{when(row.created_at)}</td>'
        else:
            extra = ""
        waiting = ""
        if show_waiting and not headers:
            waiting = (
                f'<td data-label="Risk" data-testid="risk">{risk_label(row.risk_rating)}</td>'
                f'<td data-label="Waiting since" data-testid="waiting-since">{when(row.status_changed_at)}</td>'
            )
        status = _escape(row.status)
        parts.append(
            f'\n    <tr data-testid="request-row" data-status="{status}">'
            f'\n      <td data-label="Request"><div><a class="name" href="{link(row.pk)}" data-testid="request-link">'
            f'{_escape(row.title)}</a><span class="sub">{"".join(sub)}</span></div></td>'
            f'\n      <td data-label="Status"><div><span class="pill pill-status s-{status}" data-testid="status"'
            f' data-status="{status}">{status_label(row.status)}</span></div></td>'
            f'\n      <td data-label="Customer" class="hide-sm">{_escape(row.customer.name)}'
            f'<span class="sub">{_escape(row.customer.region.code)}</span></td>'
            f'\n      <td data-label="Monthly" class="num strong">{_escape(amount(row.estimated_monthly_cost))}</td>'
            f'\n      <td data-label="One-off" class="num">{_escape(amount(row.estimated_one_off_cost))}</td>'
            f'\n      <td data-label="Runs" class="nowrap">{_escape(day(row.starts_on))} → {expires}</td>'
            f"\n      {extra}\n      {waiting}\n    </tr>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308  (every value escaped, or a tag's safe HTML)


def _once(draw):
    """`draw(value)` computed once per distinct value (a page's rows repeat amounts, dates and labels)."""
    drawn = {}

    def cached(value):
        if value not in drawn:
            drawn[value] = draw(value)
        return drawn[value]

    return cached


def _day(value) -> str:
    """`{{ value|date:"j M Y" }}` of a date (the month's abbreviation translated, as Django's filter does)."""
    return date(value, "j M Y")
