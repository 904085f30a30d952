"""The governance queue draws its review rows in Python (`{% review_rows %}`, governance/templatetags): the HTML must
be exactly what the template loop it replaced drew — title or proposal name, escaping, the request's figures,
deferrals, "on behalf of", the status column, overdue, votes and quorum — with and without the page's date."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone

from exceptions.services import lifecycle
from governance.models import Review
from governance.selectors.reviews import rows_by_id
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db

# The loop of templates/governance/_review_rows.html before it became a tag, kept here as the reference.
ORIGINAL = """{% load money when review_tags %}{% for review in rows %}
    <tr data-testid="review-row" data-review="{{ review.pk }}" class="{% if review.due_on < today %}overdue{% endif %}">
      <td data-label="Review"><div><a class="name" href="{% url 'governance:review' review.pk %}" data-testid="review-link">{% if review.exception %}{{ review.exception.title }}{% else %}{{ review.title|default:review }}{% endif %}</a>
        <span class="sub">{{ review.get_kind_display }}{% if review.exception %} · {{ review.exception.customer.name }} · {{ review.exception.customer.region.code }} · {{ review.exception.process.name }} · <span data-testid="review-figures">{{ review.exception.get_risk_rating_display|lower }} risk, {{ review.exception.estimated_monthly_cost|money }} a month</span>{% endif %}{% if review.deferrals %} · deferred {{ review.deferrals }}×{% endif %}{% if review.on_behalf_of_name %} · <strong data-testid="on-behalf">{% if review.own_vote_waits %}your vote, and one on behalf of{% else %}a vote on behalf of{% endif %} {{ review.on_behalf_of_name }}</strong>{% endif %}</span></div></td>
      <td data-label="Board">{{ review.board.name }}</td>
      <td data-label="Due">{% review_due review today %}</td>
      {% if show_status %}<td data-label="Status">{{ review.get_status_display }}{% if review.outcome %} · {{ review.get_outcome_display|lower }}{% endif %}</td>{% endif %}
      <td data-label="Opened" class="nowrap" data-testid="review-opened">{{ review.opened_at|when }}</td>
      <td data-label="Votes" class="num">{{ review.vote_count|default:0 }}</td>
      <td data-label="Quorum">{{ review.board.quorum }} · {{ review.board.get_rule_display|lower }}</td>
    </tr>
  {% endfor %}"""
NOW = "{% load review_tags %}{% review_rows rows today show_status %}"


@pytest.fixture
def rows():
    s = scenario()
    s.acme.name = 'Acme & <Söhne> "Ltd"'
    s.acme.save()
    s.board.name = "Board <EMEA> & co"
    s.board.save()
    today = timezone.localdate()
    made = []
    for title, cost, risk in [
        ("Saturday <b>delivery</b> & 'more'", "9000.00", "high"),
        ("Night runs", "1234567.49", "low"),
    ]:
        exception = ExceptionRequestFactory(
            customer=s.acme,
            process=s.fulfilment,
            title=title,
            estimated_monthly_cost=Decimal(cost),
            risk_rating=risk,
        )
        lifecycle.submit_request(exception=exception, actor=exception.requested_by)
        made.append(Review.objects.get(exception=exception))
    Review.objects.filter(pk=made[0].pk).update(due_on=today - datetime.timedelta(days=2), deferrals=2)
    at = timezone.now() - datetime.timedelta(days=1)
    for title in ("", "Sunset of <night> runs"):  # a proposal: its title, else what the review calls itself
        made.append(
            Review.objects.create(
                kind=Review.Kind.SUNSET, process=s.fulfilment, board=s.board, title=title,
                due_on=today + datetime.timedelta(days=5), opened_at=at, impact={},
            )
        )  # fmt: skip
    Review.objects.filter(pk=made[1].pk).update(
        status="decided", outcome="approve_with_conditions", closed_at=at
    )
    found = {review.pk: review for review in rows_by_id([review.pk for review in made])}
    listed = [found[review.pk] for review in made]
    listed[0].on_behalf_of_name, listed[0].own_vote_waits = "Dan <Away>", True
    listed[2].on_behalf_of_name, listed[2].own_vote_waits = "Erin", False
    return listed, today


@pytest.mark.parametrize("show_status", [True, False, ""])
@pytest.mark.parametrize("with_today", [True, False])
def test_the_drawn_rows_are_the_html_of_the_template_loop(rows, show_status, with_today):
    listed, today = rows
    context = {"rows": listed, "show_status": show_status, **({"today": today} if with_today else {})}
    drawn = Template(NOW).render(Context(context))
    assert drawn == Template(ORIGINAL).render(Context(context))
    assert "Saturday &lt;b&gt;delivery&lt;/b&gt; &amp; &#x27;more&#x27;" in drawn
    assert "on behalf of Dan &lt;Away&gt;" in drawn and "deferred 2×" in drawn
    assert ('class="overdue"' in drawn) == with_today
    assert ("approve with conditions" in drawn) == bool(show_status)


def test_rows_without_the_waiting_annotations_are_drawn_too(rows):
    """The other open reviews come without the waiting list's annotations."""
    listed, today = rows
    for review in listed:
        review.__dict__.pop("on_behalf_of_name", None)
        review.__dict__.pop("own_vote_waits", None)
    context = {"rows": listed, "today": today}
    assert Template(NOW).render(Context(context)) == Template(ORIGINAL).render(Context(context))
