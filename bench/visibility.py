"""The price of object-level grants: the first page of the customer list for an operations lead with 5,000
django-guardian grants, against the same page for a lead without any.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/io_bench_visibility .venv/bin/python bench/visibility.py
    ... bench/visibility.py --customers 200000 --grants 5000 --repeat 50

PostgreSQL only (the figures that matter); the database's name must contain "bench": it is dropped and
created again. 200,000 customers, half in EMEA; two operations leads of EMEA: one holds N active grants
(guardian direct-FK permission + grant record) on random EMEA customers, including two on the first page
(so masking, the grant lookup and the access-log insert all run), the other none. Each request is
`GET /api/v1/customers/` (25 per page, sorted by name) through the whole stack (middleware, DRF, masking,
access log), warmed up, then timed N times; the median and p95 are printed, and the ratio.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
BENCH_DIR = ROOT / "var" / "bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(BENCH_DIR / "visibility-var"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

BATCH = 5_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--grants", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "bench/visibility.py measures PostgreSQL: set DATABASE_URL=postgres://…/io_bench_visibility"
        )
    from audit_chain import fresh_database

    print(f"database: {fresh_database(url)}")

    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"  (fresh database migrated in {time.perf_counter() - started:.1f} s)")

    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone
    from rest_framework.test import APIClient

    from intimacy_ops.accounts.roles import Role
    from privacy.models import AccessLogEntry, SensitiveAccessGrant
    from segments.models import Customer, CustomerUserObjectPermission
    from tests.factories import RegionFactory, user_with

    rng = random.Random(5)
    emea, amer = RegionFactory(code="EMEA"), RegionFactory(code="AMER")
    granted_lead = user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="ops.granted")
    plain_lead = user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="ops.plain")
    steward = user_with(Role.DATA_STEWARD, regions=["EMEA", "AMER"], username="steward.bench")

    started = time.perf_counter()
    for start in range(0, args.customers, BATCH):
        Customer.objects.bulk_create(
            Customer(
                source="crm",
                external_id=f"C{n:07d}",
                name=f"Customer {rng.randrange(10**9):09d}",
                region=emea if n % 2 == 0 else amer,
                contact_email=f"buyer{n}@example.com",
                personal_notes=f"Notes {n}",
            )
            for n in range(start, min(start + BATCH, args.customers))
        )
    print(f"  ({args.customers:,} customers in {time.perf_counter() - started:.1f} s)")

    emea_ids = list(Customer.objects.filter(region=emea).values_list("id", flat=True))
    first_page = list(
        Customer.objects.filter(region=emea).order_by("name", "id").values_list("id", flat=True)[:25]
    )
    chosen = set(first_page[:2]) | set(rng.sample(emea_ids, args.grants))
    chosen = list(chosen)[: args.grants]
    permission = Permission.objects.get(codename="view_sensitive_customer")
    customer_type = ContentType.objects.get_for_model(Customer)
    now = timezone.now()
    started = time.perf_counter()
    for start in range(0, len(chosen), BATCH):
        ids = chosen[start : start + BATCH]
        SensitiveAccessGrant.objects.bulk_create(
            SensitiveAccessGrant(
                user=granted_lead,
                subject_type=customer_type,
                subject_id=pk,
                purpose="Bench: quarterly review",
                granted_by=steward,
                granted_at=now,
                expires_at=now + timezone.timedelta(days=30),
            )
            for pk in ids
        )
        CustomerUserObjectPermission.objects.bulk_create(
            CustomerUserObjectPermission(user=granted_lead, permission=permission, content_object_id=pk)
            for pk in ids
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum would have done by the time anyone reads the list
    print(f"  ({len(chosen):,} grants for {granted_lead.username} in {time.perf_counter() - started:.1f} s)")

    def measure(user) -> tuple[float, float, int]:
        client = APIClient(HTTP_HOST="localhost")
        client.force_authenticate(user)
        for _ in range(5):
            response = client.get("/api/v1/customers/")
            assert response.status_code == 200, response.content
        timings = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            response = client.get("/api/v1/customers/")
            timings.append((time.perf_counter() - began) * 1000)
        shown = sum(row["contact_email"] != "***" for row in response.json()["results"])
        return statistics.median(timings), statistics.quantiles(timings, n=20)[18], shown

    plain_median, plain_p95, plain_shown = measure(plain_lead)
    granted_median, granted_p95, granted_shown = measure(granted_lead)
    logged = AccessLogEntry.objects.filter(user=granted_lead).count()
    print()
    print(
        f"first page of /api/v1/customers/ (25 rows of {args.customers // 2:,} EMEA customers), {args.repeat} runs"
    )
    print(
        f"  without grants            median {plain_median:6.1f} ms   p95 {plain_p95:6.1f} ms   unmasked rows {plain_shown}"
    )
    print(
        f"  with {len(chosen):,} grants         median {granted_median:6.1f} ms   p95 {granted_p95:6.1f} ms   unmasked rows {granted_shown}"
    )
    print(f"  ratio (median)            {granted_median / plain_median:.2f}×   (goal ≤ 1.5×, < 100 ms)")
    print(
        f"  access-log rows written for the granted lead: {logged:,} (one per unmasked customer per response)"
    )


if __name__ == "__main__":
    main()
