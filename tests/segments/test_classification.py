"""Classification into tiers: the rule (property-tested), the what-if preview, and applying exactly what was previewed."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intimacy_ops import errors
from intimacy_ops.accounts.roles import Role
from segments.models import Customer, Segment, SegmentChange
from segments.services.classification import apply_preview, preview, reclassify
from tests.factories import RegionFactory, user_with
from tests.segments.factories import (
    PREMIER_FIGURES,
    STANDARD_FIGURES,
    STRATEGIC_FIGURES,
    CustomerFactory,
    tiers,
)

pytestmark = pytest.mark.django_db

# Few distinct values, so customers often sit exactly on a threshold (>= is the rule, not >).
MONEY = st.sampled_from(
    [Decimal("0"), Decimal("999.99"), Decimal("1000.00"), Decimal("1000.01"), Decimal("50000")]
)
LEVEL = st.integers(min_value=1, max_value=5)
HYPOTHESIS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def worlds(draw):
    """Random tiers (distinct, unordered ranks; random thresholds) and random customers, some locked."""
    count = draw(st.integers(min_value=1, max_value=4))
    ranks = draw(
        st.lists(st.integers(min_value=1, max_value=40), min_size=count, max_size=count, unique=True)
    )
    segments = [
        {
            "rank": rank,
            "min_annual_revenue": draw(MONEY),
            "min_strategic_value": draw(LEVEL),
            "min_lifetime_value": draw(MONEY),
            "min_support_complexity": draw(LEVEL),
            "capacity": draw(st.integers(min_value=0, max_value=6)),
        }
        for rank in ranks
    ]
    customers = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        locked = draw(st.booleans())
        start = draw(
            st.integers(min_value=0, max_value=count - 1) if locked else st.none() | st.integers(0, count - 1)
        )
        customers.append(
            {
                "annual_revenue": draw(MONEY),
                "strategic_value": draw(LEVEL),
                "lifetime_value": draw(MONEY),
                "support_complexity": draw(LEVEL),
                "locked": locked,
                "start": start,
            }
        )
    return segments, customers


def build(world) -> tuple[list[Segment], list[Customer]]:
    segment_specs, customer_specs = world
    region = RegionFactory(code="EMEA")
    segments = [Segment.objects.create(name=f"Tier ranked {spec['rank']}", **spec) for spec in segment_specs]
    customers = []
    for number, spec in enumerate(customer_specs):
        spec = dict(spec)
        start, locked = spec.pop("start"), spec.pop("locked")
        customers.append(
            Customer.objects.create(
                external_id=f"P-{number}",
                name=f"Customer {number}",
                region=region,
                segment=segments[start] if start is not None else None,
                segment_locked=locked,
                segment_lock_reason="placed by hand in the test" if locked else "",
                **spec,
            )
        )
    return segments, customers


def first_tier_that_holds(customer: Customer, segments: list[Segment]) -> Segment:
    """The rule, written independently of the SQL: first by rank whose thresholds all hold, else the last."""
    ordered = sorted(segments, key=lambda s: s.rank)
    for segment in ordered:
        if (
            customer.annual_revenue >= segment.min_annual_revenue
            and customer.strategic_value >= segment.min_strategic_value
            and customer.lifetime_value >= segment.min_lifetime_value
            and customer.support_complexity >= segment.min_support_complexity
        ):
            return segment
    return ordered[-1]


@HYPOTHESIS
@given(world=worlds())
def test_each_unlocked_customer_lands_in_the_first_tier_whose_thresholds_hold(world, db):
    with transaction.atomic():
        segments, customers = build(world)
        before = {c.pk: c.segment_id for c in customers}
        moved = reclassify()
        after = dict(Customer.objects.values_list("pk", "segment_id"))
        for customer in customers:
            if customer.segment_locked:
                assert after[customer.pk] == before[customer.pk], "a locked customer was moved"
            else:
                assert after[customer.pk] == first_tier_that_holds(customer, segments).pk
        # Every move is recorded exactly once, from where the customer was to where they went.
        changes = list(
            SegmentChange.objects.values_list("customer_id", "from_segment_id", "to_segment_id", "cause")
        )
        expected = [(pk, before[pk], after[pk], "rule") for pk in before if before[pk] != after[pk]]
        assert sorted(changes, key=str) == sorted(expected, key=str)
        assert moved == len(expected)
        # A second pass finds nothing left to do.
        assert reclassify() == 0
        transaction.set_rollback(True)


@st.composite
def worlds_with_proposals(draw):
    segments, customers = draw(worlds())
    changes = draw(
        st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "min_annual_revenue": MONEY,
                    "min_strategic_value": LEVEL,
                    "min_lifetime_value": MONEY,
                    "min_support_complexity": LEVEL,
                    "capacity": st.integers(min_value=0, max_value=6),
                },
            ),
            min_size=len(segments),
            max_size=len(segments),
        )
    )
    return (segments, customers), changes


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=worlds_with_proposals())
def test_applying_a_preview_moves_exactly_what_it_showed(case, db):
    world, changes = case
    with transaction.atomic():
        lead = user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="lead.prop")
        segments, _ = build(world)
        proposal = [{"id": s.pk, **change} for s, change in zip(segments, changes, strict=True)]
        shown = preview(user=lead, proposal=proposal)
        outcome = apply_preview(
            user=lead, proposal=proposal, fingerprint=shown.fingerprint, reason="property"
        )
        actual = Counter(
            SegmentChange.objects.filter(
                reason__startswith=f"threshold change {outcome['batch']}"
            ).values_list("from_segment_id", "to_segment_id")
        )
        assert actual == Counter({(m["from"], m["to"]): m["count"] for m in shown.movements})
        counts = Counter(Customer.objects.values_list("segment_id", flat=True))
        assert {row["id"]: row["count"] for row in shown.segments} == {
            s.pk: counts.get(s.pk, 0) for s in segments
        }
        transaction.set_rollback(True)


# --- unit tests of the preview and its fingerprint ----------------------------------------------


@pytest.fixture
def premier_pair():
    """Two Premier customers: under a 2M revenue floor for Premier, `low` would drop to Standard, `high` stays."""
    strategic, premier, standard = tiers()
    low = CustomerFactory(name="Low", **{**PREMIER_FIGURES, "annual_revenue": Decimal("1500000")})
    high = CustomerFactory(name="High", **{**PREMIER_FIGURES, "annual_revenue": Decimal("3000000")})
    reclassify()
    lead = user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="lead.pair")
    return {"premier": premier, "standard": standard, "low": low, "high": high, "lead": lead}


def test_preview_reports_moves_counts_and_capacity_without_changing_anything(premier_pair):
    p = premier_pair
    before = (
        list(Customer.objects.values_list("pk", "segment_id", "updated_at")),
        list(Segment.objects.values()),
        SegmentChange.objects.count(),
    )
    shown = preview(
        user=p["lead"],
        proposal=[
            {"id": p["premier"].pk, "min_annual_revenue": "2000000"},
            {"id": p["standard"].pk, "capacity": 0},
        ],
    )
    assert [(m["from"], m["to"], m["count"]) for m in shown.movements] == [
        (p["premier"].pk, p["standard"].pk, 1)
    ]
    by_id = {row["id"]: row for row in shown.segments}
    assert by_id[p["premier"].pk]["count"] == 1
    assert by_id[p["standard"].pk]["count"] == 1
    assert by_id[p["standard"].pk]["over_capacity"] is True
    assert [c.pk for c in shown.sample] == [p["low"].pk]
    after = (
        list(Customer.objects.values_list("pk", "segment_id", "updated_at")),
        list(Segment.objects.values()),
        SegmentChange.objects.count(),
    )
    assert after == before


def test_a_swap_of_who_moves_makes_the_preview_stale(premier_pair):
    """Same counts, different customers: applying would move someone the preview never showed."""
    p = premier_pair
    proposal = [{"id": p["premier"].pk, "min_annual_revenue": "2000000"}]
    shown = preview(user=p["lead"], proposal=proposal)
    Customer.objects.filter(pk=p["low"].pk).update(annual_revenue=Decimal("3000000"))
    Customer.objects.filter(pk=p["high"].pk).update(annual_revenue=Decimal("1500000"))
    assert [m["count"] for m in preview(user=p["lead"], proposal=proposal).movements] == [1]
    with pytest.raises(errors.Conflict):
        apply_preview(user=p["lead"], proposal=proposal, fingerprint=shown.fingerprint, reason="swap")
    assert Segment.objects.get(pk=p["premier"].pk).min_annual_revenue == Decimal("1000000")


def test_a_newcomer_that_changes_a_tier_count_makes_the_preview_stale(premier_pair):
    """Nobody new moves, but the tier the preview called within capacity would now be over it."""
    p = premier_pair
    proposal = [{"id": p["premier"].pk, "capacity": 1, "min_annual_revenue": "2000000"}]
    shown = preview(user=p["lead"], proposal=proposal)
    assert {row["id"]: row["over_capacity"] for row in shown.segments}[p["premier"].pk] is False
    CustomerFactory(
        name="Newcomer", segment=p["premier"], **{**PREMIER_FIGURES, "annual_revenue": Decimal("4000000")}
    )
    with pytest.raises(errors.Conflict):
        apply_preview(user=p["lead"], proposal=proposal, fingerprint=shown.fingerprint, reason="newcomer")


def test_reclassify_moves_unclassified_customers_and_leaves_locked_ones(db):
    strategic, premier, standard = tiers()
    top = CustomerFactory(**STRATEGIC_FIGURES)
    middle = CustomerFactory(**PREMIER_FIGURES)
    bottom = CustomerFactory(**STANDARD_FIGURES)
    pinned = CustomerFactory(
        **STANDARD_FIGURES, segment=premier, segment_locked=True, segment_lock_reason="pilot contract terms"
    )
    assert reclassify() == 3
    assert {c.pk: c.segment_id for c in Customer.objects.all()} == {
        top.pk: strategic.pk,
        middle.pk: premier.pk,
        bottom.pk: standard.pk,
        pinned.pk: premier.pk,
    }
    assert not SegmentChange.objects.filter(customer=pinned).exists()


def test_reclassify_without_segments_says_what_to_do(db):
    CustomerFactory()
    with pytest.raises(errors.ValidationFailed) as refused:
        reclassify()
    assert "segment" in str(refused.value.fields)
