"""`{% customer_rows customers user show_region show_manager %}`: the customer list's rows (segments/customer_list.html)."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.safestring import mark_safe

from intimacy_ops import listing
from intimacy_ops.listing import escape_text as _escape

register = template.Library()

LOCK = '<span class="lock" title="Placed by hand: the rules leave this customer here" aria-label="locked">🔒</span>'


@register.simple_tag
def customer_rows(customers, user, show_region=False, show_manager=False) -> str:
    """The `<tr>`s of the customer list, drawn in Python: the same HTML as the template loop they replace,
    the tier pill as segments/_tier_pill.html draws it (a lookup, filter or include per cell cost ~0.25 ms a
    row). `user`: the viewer ("you" beside their own accounts when the manager column is there)."""
    detail = listing.url_for_ids("segments:customer-detail")
    cases = reverse("segments:case-list")
    pills = {}
    parts = []
    for customer in customers:
        name, region = _escape(customer.name), _escape(customer.region.code)
        key = (customer.segment_id, customer.segment_locked)
        if key not in pills:
            pills[key] = _tier_pill(customer.segment, customer.segment_locked)
        manager = customer.account_manager
        if manager:
            you = customer.account_manager_id == user.pk and show_manager
            managed = _escape(manager.display_name) + (
                '<span class="pill pill-info you">you</span>' if you else ""
            )
        else:
            managed = '<span class="muted">—</span>'
        if customer.open_cases:
            breached = (
                f' <span class="pill pill-bad" title="Open cases past an SLA target">{customer.breached_cases} breached</span>'
                if customer.breached_cases
                else ""
            )
            open_cases = (
                f'<a href="{cases}?customer={customer.pk}" title="Open cases of {name}">{customer.open_cases} open</a>'
                f"{breached}"
            )
        else:
            open_cases = '<span class="muted">none</span>'
        region_cell = f'<td data-label="Region" class="hide-sm">{region}</td>' if show_region else ""
        revenue = _escape(intcomma(floatformat(customer.annual_revenue, 0)))
        parts.append(
            f'\n    <tr data-testid="customer-row" data-region="{region}">'
            f'\n      <td data-label="Customer"><div><a class="name" href="{detail(customer.pk)}"'
            f' data-testid="customer-link">{name}</a><span class="sub">{_escape(customer.external_id)}</span></div></td>'
            f'\n      <td data-label="Segment"><div>{pills[key]}</div></td>'
            f"\n      {region_cell}"
            f'\n      <td data-label="Manager" class="hide-sm">{managed}</td>'
            f'\n      <td data-label="Revenue" class="num strong">{revenue}</td>'
            f'\n      <td data-label="Strategic" class="num hide-sm">{customer.strategic_value} / 5</td>'
            f'\n      <td data-label="Open cases" class="num"><div>{open_cases}</div></td>'
            "\n    </tr>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308  (every value escaped, numbers as they are)


def _tier_pill(segment, locked) -> str:
    """segments/_tier_pill.html (its closing newline included)."""
    if not segment:
        return '<span class="pill">Unclassified</span>\n'
    lock = LOCK if locked else ""
    return (
        f'<span class="pill pill-tier rank-{_escape(segment.rank)}" data-testid="tier">{_escape(segment.name)}'
        f"{lock}</span>\n"
    )
