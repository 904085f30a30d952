"""Recovery first at scale (issue 19, item 5): `feedback.surveys_due` and `feedback.paused_sentiment` on N customers,
half of them affected by an active incident.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/io_bench_surveys DJANGO_SETTINGS_MODULE=tests.settings \\
        .venv/bin/python bench/surveys.py [--customers 5000]

The database is a throwaway (its name must contain "bench"; created if missing, migrated, emptied of the
benchmark's rows first). Times, with e-mail to Django's in-memory backend: the run that holds half the due
invitations and sends the other half (with their e-mails); a second run that changes nothing; after the incident
is resolved, the run that resumes and sends the held half; the same for the paused sentiment of one feedback
item per affected customer. Figures are printed, never asserted.
"""

import argparse
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/io_bench_surveys")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(ROOT / "var" / "bench"))

from bench.incidents import ensure_database  # noqa: E402


def timed(label: str, work) -> object:
    started = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - started:.2f} s — {result}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=5000)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if "bench" not in urlsplit(url).path.rsplit("/", 1)[-1]:
        sys.exit(
            f"Refusing to run: the database in DATABASE_URL ({url}) must be a throwaway named with 'bench'."
        )
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from feedback.models import FeedbackItem, SurveyInvitation
    from incidents.models import AffectedCustomer, Incident
    from intimacy_ops import checks
    from intimacy_ops.accounts.models import Region
    from segments.models import Customer
    from tests.factories import user_with

    SurveyInvitation.objects.filter(customer__source="bench-surveys").delete()
    FeedbackItem.objects.filter(customer__source="bench-surveys").delete()
    Incident.objects.filter(title="Bench outage").delete()
    Customer.objects.filter(source="bench-surveys").delete()
    region, _ = Region.objects.get_or_create(code="BENCHS", defaults={"name": "Bench surveys"})
    lead = user_with("operations lead", regions=["BENCHS"], username=f"bench.lead.{time.time_ns()}")
    customers = Customer.objects.bulk_create(
        [
            Customer(
                source="bench-surveys", external_id=f"S{n:07d}", name=f"Survey bench {n:07d}", region=region,
                annual_revenue=Decimal(1), strategic_value=1, support_complexity=1, lifetime_value=Decimal(1),
                contact_email=f"c{n}@bench.example", consent_sentiment=True,
            )
            for n in range(args.customers)
        ],
        batch_size=5000,
    )  # fmt: skip
    now, today = timezone.now(), timezone.localdate()
    incident = Incident.objects.create(
        title="Bench outage", kind="outage", severity="major", started_at=now, detected_at=now, owner=lead
    )
    incident.regions.set([region])
    affected = customers[: args.customers // 2]
    AffectedCustomer.objects.bulk_create(
        [AffectedCustomer(incident=incident, customer=c, via="rule", added_at=now) for c in affected]
    )
    SurveyInvitation.objects.bulk_create(
        [SurveyInvitation(customer=c, survey="nps_survey", due_on=today) for c in customers], batch_size=5000
    )
    FeedbackItem.objects.bulk_create(
        [
            FeedbackItem(
                customer=c, source="delivery_team", text="Terrible week, nothing arrived.", received_on=today,
                sentiment_paused_reason="customer in recovery from incident #0 'Bench outage'",
            )
            for c in affected
        ],
        batch_size=5000,
    )  # fmt: skip
    print(
        f"{args.customers:,} customers, {len(affected):,} in an active incident; one NPS survey each due today"
    )
    timed("surveys_due, during (hold half, send half)", lambda: checks.run("feedback.surveys_due").counts)
    timed("surveys_due, again (nothing to do)", lambda: checks.run("feedback.surveys_due").counts)
    timed("paused_sentiment, during (all still held)", lambda: checks.run("feedback.paused_sentiment").counts)
    Incident.objects.filter(pk=incident.pk).update(status="resolved", resolved_at=timezone.now())
    timed(
        "surveys_due, after (resume and send the held half)",
        lambda: checks.run("feedback.surveys_due").counts,
    )
    timed("paused_sentiment, after (analyse them)", lambda: checks.run("feedback.paused_sentiment").counts)


if __name__ == "__main__":
    main()
