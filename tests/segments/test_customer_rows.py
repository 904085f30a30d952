"""The customer list draws its rows in Python (`{% customer_rows %}`, segments/templatetags): the HTML must be
exactly what the template loop it replaced drew — names escaped, the tier pill (locked or not, unclassified),
the region and manager columns, "you", revenue grouped, open and breached cases."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from segments.selectors.customers import customers as visible_customers
from tests.segments.factories import CustomerFactory, people, region, tiers

# The loop of templates/segments/customer_list.html before it became a tag, kept here as the reference.
ORIGINAL = """{% load humanize %}{% for customer in page.object_list %}
    <tr data-testid="customer-row" data-region="{{ customer.region.code }}">
      <td data-label="Customer"><div><a class="name" href="{% url 'segments:customer-detail' customer.pk %}" data-testid="customer-link">{{ customer.name }}</a><span class="sub">{{ customer.external_id }}</span></div></td>
      <td data-label="Segment"><div>{% include "segments/_tier_pill.html" with segment=customer.segment locked=customer.segment_locked %}</div></td>
      {% if show_region %}<td data-label="Region" class="hide-sm">{{ customer.region.code }}</td>{% endif %}
      <td data-label="Manager" class="hide-sm">{% if customer.account_manager %}{{ customer.account_manager.display_name }}{% if customer.account_manager_id == user.pk and show_manager %}<span class="pill pill-info you">you</span>{% endif %}{% else %}<span class="muted">—</span>{% endif %}</td>
      <td data-label="Revenue" class="num strong">{{ customer.annual_revenue|floatformat:0|intcomma }}</td>
      <td data-label="Strategic" class="num hide-sm">{{ customer.strategic_value }} / 5</td>
      <td data-label="Open cases" class="num"><div>{% if customer.open_cases %}<a href="{% url 'segments:case-list' %}?customer={{ customer.pk }}" title="Open cases of {{ customer.name }}">{{ customer.open_cases }} open</a>{% if customer.breached_cases %} <span class="pill pill-bad" title="Open cases past an SLA target">{{ customer.breached_cases }} breached</span>{% endif %}{% else %}<span class="muted">none</span>{% endif %}</div></td>
    </tr>
  {% endfor %}"""
NOW = "{% load customer_tags %}{% customer_rows page.object_list user show_region show_manager %}"


@pytest.fixture
def world(db):
    cast = people()
    strategic, premier, _ = tiers()
    emea, amer = region("EMEA"), region("AMER")
    CustomerFactory(
        name='Acme & <Söhne> "Ltd"', external_id="CRM-<1>", region=emea, account_manager=cast["alice"],
        segment=strategic, annual_revenue=Decimal("12345678.50"), strategic_value=5,
    )  # fmt: skip
    CustomerFactory(name="Borealis", region=emea, account_manager=cast["amy"], segment=premier)
    CustomerFactory(
        name="Zenith", region=amer, account_manager=None, segment=None, annual_revenue=Decimal("0.4")
    )
    CustomerFactory(name="Yonder", region=amer, account_manager=cast["bob"], annual_revenue=Decimal("999.5"))
    return cast


@pytest.mark.parametrize(("show_region", "show_manager"), [(True, True), (False, False), ("", True)])
def test_the_drawn_rows_are_the_html_of_the_template_loop(world, show_region, show_manager):
    viewer = world["sam"]
    rows = list(visible_customers(viewer))
    rows[0].account_manager_id = viewer.pk  # "you" on a row
    rows[0].segment_locked = True  # placed by hand: the lock
    for row, (open_cases, breached) in zip(rows, [(3, 1), (2, 0), (0, 0), (1200, 1001)], strict=False):
        row.open_cases, row.breached_cases = open_cases, breached
    context = {"page": {"object_list": rows}, "user": viewer, "show_region": show_region}
    context["show_manager"] = show_manager
    drawn = Template(NOW).render(Context(context))
    assert drawn == Template(ORIGINAL).render(Context(context))
    assert drawn.count('data-testid="customer-row"') == 4
    assert "Acme &amp; &lt;Söhne&gt; &quot;Ltd&quot;" in drawn
