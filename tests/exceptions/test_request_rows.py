"""The exceptions lists draw their rows in Python (`{% request_rows %}`, exceptions/templatetags): the HTML must
be exactly what the template loop it replaced drew — every column, escaping, the optional requester, "on
behalf of", Raised and waiting columns, permanent requests, amounts and dates as the filters print them."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Value
from django.template import Context, Template
from django.utils import timezone

from exceptions.models import ExceptionRequest
from tests.exceptions.factories import ExceptionRequestFactory, scenario

# The loop of templates/exceptions/_rows.html before it became a tag, kept here as the reference.
ORIGINAL = """{% load humanize money when exception_tags %}{% for row in rows %}
    <tr data-testid="request-row" data-status="{{ row.status }}">
      <td data-label="Request"><div><a class="name" href="{% url 'exceptions:detail' row.pk %}" data-testid="request-link">{{ row.title }}</a><span class="sub">{{ row.process.name }} · {{ row.get_kind_display }}{% if show_requester %} · {{ row.requested_by.display_name }}{% endif %}{% if row.on_behalf_of_name %} · <strong data-testid="on-behalf">on behalf of {{ row.on_behalf_of_name }}</strong>{% endif %}</span></div></td>
      <td data-label="Status"><div>{% status_pill row.status row.get_status_display %}</div></td>
      <td data-label="Customer" class="hide-sm">{{ row.customer.name }}<span class="sub">{{ row.customer.region.code }}</span></td>
      <td data-label="Monthly" class="num strong">{{ row.estimated_monthly_cost|money }}</td>
      <td data-label="One-off" class="num">{{ row.estimated_one_off_cost|money }}</td>
      <td data-label="Runs" class="nowrap">{{ row.starts_on|date:"j M Y" }} → {% if row.expires_on %}{{ row.expires_on|date:"j M Y" }}{% else %}<span class="muted">permanent</span>{% endif %}</td>
      {% if headers %}<td data-label="Raised" class="nowrap" data-testid="raised">{{ row.created_at|when }}</td>{% endif %}
      {% if show_waiting and not headers %}<td data-label="Risk" data-testid="risk">{{ row.get_risk_rating_display }}</td><td data-label="Waiting since" data-testid="waiting-since">{{ row.status_changed_at|when }}</td>{% endif %}
    </tr>
  {% endfor %}"""
NOW = "{% load exception_tags %}{% request_rows rows show_requester headers show_waiting %}"


@pytest.fixture
def rows(db):
    s = scenario()
    s.acme.name = 'Acme & <Söhne> "Ltd"'
    s.acme.save()
    now = timezone.now()
    make = ExceptionRequestFactory
    made = [
        make(customer=s.acme, process=s.fulfilment, title="Saturday <b>delivery</b> & 'more'"),
        make(
            customer=s.acme,
            process=s.billing,
            kind="permanent",
            expires_on=None,
            status="submitted",
            risk_rating="high",
            estimated_monthly_cost=Decimal("1234567.49"),
            estimated_one_off_cost=Decimal("0"),
            status_changed_at=now - datetime.timedelta(days=3),
        ),  # fmt: skip
        make(
            customer=s.borealis,
            process=s.fulfilment,
            status="approved",
            risk_rating="medium",
            starts_on=datetime.date(2026, 1, 5),
            expires_on=datetime.date(2027, 5, 31),
            estimated_monthly_cost=Decimal("999.50"),
            status_changed_at=now - datetime.timedelta(days=40),
        ),  # fmt: skip
        make(customer=s.zenith, process=s.billing, status="active", status_changed_at=now),
    ]
    ExceptionRequest.objects.filter(pk=made[0].pk).update(
        created_at=now - datetime.timedelta(days=30), status_changed_at=None
    )
    behalf = {made[1].pk: "Laura <Lead>"}
    found = list(
        ExceptionRequest.objects.filter(pk__in=[r.pk for r in made])
        .select_related("process", "customer__region", "requested_by")
        .annotate(on_behalf_of_name=Value(""))
        .order_by("pk")
    )
    for row in found:
        row.on_behalf_of_name = behalf.get(row.pk, "")
    return found


@pytest.mark.parametrize(
    ("show_requester", "headers", "show_waiting"),
    [("", [{"key": "title"}], ""), ("1", [{"key": "title"}], ""), (True, None, True), ("", "", "")],
)
def test_the_drawn_rows_are_the_html_of_the_template_loop(rows, show_requester, headers, show_waiting):
    context = {
        "rows": rows,
        "show_requester": show_requester,
        "headers": headers,
        "show_waiting": show_waiting,
    }
    drawn = Template(NOW).render(Context(context))
    assert drawn == Template(ORIGINAL).render(Context(context))
    assert "Saturday &lt;b&gt;delivery&lt;/b&gt; &amp; &#x27;more&#x27;" in drawn
    assert "permanent" in drawn


def test_rows_without_the_on_behalf_annotation_are_drawn_too(rows):
    """process_detail's rows come without the waiting list's annotation."""
    for row in rows:
        del row.on_behalf_of_name
    context = {"rows": rows, "show_requester": True}
    assert Template(NOW).render(Context(context)) == Template(ORIGINAL).render(Context(context))
