"""Masking and access logging cost a constant number of queries, whatever the page size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacy.models import AccessLogEntry, SensitiveAccessGrant
from segments.models import CustomerUserObjectPermission
from tests.segments.factories import CustomerFactory

BOUND = 6  # token+user, roles, count, page, grants and break-glass (one UNION), the access-log insert


def _granted(world, count):
    customers = CustomerFactory.create_batch(count, region=world.acme.region, contact_email="c@x.example")
    sam, oscar = world.people["steward.sam"], world.people["ops.oscar"]
    from django.contrib.auth.models import Permission

    permission = Permission.objects.get(codename="view_sensitive_customer")
    now = timezone.now()
    SensitiveAccessGrant.objects.bulk_create(
        SensitiveAccessGrant(
            user=oscar,
            subject=c,
            purpose="Quarterly review",
            granted_by=sam,
            granted_at=now,
            expires_at=now + timezone.timedelta(days=1),
        )
        for c in customers
    )
    CustomerUserObjectPermission.objects.bulk_create(
        CustomerUserObjectPermission(user=oscar, permission=permission, content_object=c) for c in customers
    )


def test_listing_50_masked_and_logged_customers_costs_the_same_queries_as_3(
    world, as_user, django_assert_max_num_queries
):
    client = as_user("ops.oscar")
    _granted(world, 2)  # with Acme: 3 customers, 2 of them unmasked
    with CaptureQueriesContext(connection) as few, django_assert_max_num_queries(BOUND):
        small = client.get("/api/v1/customers/?page_size=100").json()
    assert small["count"] == 3
    assert AccessLogEntry.objects.count() == 2
    _granted(world, 47)
    with CaptureQueriesContext(connection) as many, django_assert_max_num_queries(BOUND):
        large = client.get("/api/v1/customers/?page_size=100").json()
    assert large["count"] == 50
    assert sum(row["contact_email"] != "***" for row in large["results"]) == 49
    assert AccessLogEntry.objects.count() == 2 + 49
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_customer_page_shows_and_logs_in_constant_queries(world, client, django_assert_max_num_queries):
    client.force_login(world.people["am.alice"])
    client.get(f"/segments/customers/{world.acme.pk}/")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/segments/customers/{world.acme.pk}/")
    inserts = [q for q in queries.captured_queries if "INSERT" in q["sql"] and "accesslogentry" in q["sql"]]
    assert len(inserts) == 1
