"""Retention: policies per data kind anonymize or delete data past its time, with a dry run first.

The dry run counts and changes nothing; the real run changes exactly the expired rows, batch by
batch with one audit event each, never a customer on legal hold, and a second run changes nothing.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from intimacy_ops import checks
from intimacy_ops.audit import AuditEvent
from privacy.models import AccessLogEntry, RetentionPolicy
from privacy.retention import kinds, service
from segments.models import ImportRejectedRow, ImportRun, ServiceCase
from tests.factories import user_with
from tests.segments.factories import CustomerFactory, ServiceCaseFactory, WaitingIntervalFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def months_ago(months: int, days: int = 0) -> datetime.datetime:
    return service.months_before(NOW, months) - datetime.timedelta(days=days)


def resolved_case(
    customer, *, months: int, days: int = 1, title: str = "Invoice wrong for Jane Doe"
) -> ServiceCase:
    resolved = months_ago(months, days)
    return ServiceCaseFactory(
        customer=customer, title=title, opened_at=resolved - datetime.timedelta(days=2), resolved_at=resolved
    )


@pytest.fixture
def cases():
    """Expired (resolved 25 months ago), recent (resolved 2 months ago), open, and one on legal hold."""
    customer = CustomerFactory()
    held = CustomerFactory(legal_hold=True)
    expired = [resolved_case(customer, months=24, days=10 + n) for n in range(5)]
    recent = resolved_case(customer, months=2)
    still_open = ServiceCaseFactory(customer=customer, title="Still open for Jane", opened_at=months_ago(30))
    on_hold = resolved_case(held, months=30)
    RetentionPolicy.objects.create(kind="closed_cases", action="anonymize", keep_months=24)
    return {"expired": expired, "recent": recent, "open": still_open, "held": on_hold}


def snapshot() -> list[tuple]:
    return list(ServiceCase.objects.order_by("pk").values_list("pk", "title", "anonymized_at", "resolved_at"))


def apply(*, dry_run: bool, batch_size: int = 500) -> str:
    out = StringIO()
    args = ["apply_retention", f"--batch-size={batch_size}"] + (["--dry-run"] if dry_run else [])
    call_command(*args, stdout=out)
    return out.getvalue()


def test_dry_run_reports_counts_per_policy_and_changes_nothing(cases):
    before, events = snapshot(), AuditEvent.objects.count()

    output = apply(dry_run=True)

    assert "closed_cases · anonymize after 24 months: would anonymize 5 resolved service cases" in output
    assert "1 kept for legal hold" in output
    assert "Dry run: 5 rows would change; nothing was changed." in output
    assert snapshot() == before
    assert AuditEvent.objects.count() == events


def test_real_run_anonymizes_exactly_the_expired_rows_and_skips_legal_holds(cases):
    output = apply(dry_run=False, batch_size=2)

    assert "anonymized 5 resolved service cases" in output
    assert "in 3 batches" in output
    for case in cases["expired"]:
        case.refresh_from_db()
        assert case.title == "" and case.anonymized_at is not None
        assert case.external_id and case.resolved_at  # the figures stay
    for key in ("recent", "open", "held"):
        case = cases[key]
        title = case.title
        case.refresh_from_db()
        assert case.title == title and case.anonymized_at is None, key


def test_one_audit_event_per_batch_naming_the_rows(cases):
    apply(dry_run=False, batch_size=2)

    events = list(AuditEvent.objects.filter(verb="retention.anonymized").order_by("id"))
    assert [event.after["count"] for event in events] == [2, 2, 1]
    assert sorted(pk for event in events for pk in event.after["ids"]) == sorted(
        c.pk for c in cases["expired"]
    )
    assert all(event.actor is None and event.object_type == "privacy.retentionpolicy" for event in events)


def test_a_second_run_changes_nothing(cases):
    apply(dry_run=False)
    after_first, events = snapshot(), AuditEvent.objects.count()

    output = apply(dry_run=False)

    assert "anonymized 0 resolved service cases" in output
    assert snapshot() == after_first
    assert AuditEvent.objects.count() == events
    assert "would anonymize 0" in apply(dry_run=True)


def test_delete_action_deletes_exactly_the_expired_rows_with_their_waits(cases):
    RetentionPolicy.objects.all().delete()
    RetentionPolicy.objects.create(kind="closed_cases", action="delete", keep_months=24)
    WaitingIntervalFactory(
        case=cases["expired"][0], ended_at=cases["expired"][0].opened_at + datetime.timedelta(hours=1)
    )
    survivors = {cases[key].pk for key in ("recent", "open", "held")}

    output = apply(dry_run=False)

    assert "deleted 5 resolved service cases" in output
    assert set(ServiceCase.objects.values_list("pk", flat=True)) == survivors
    [event] = AuditEvent.objects.filter(verb="retention.deleted")
    assert event.after["count"] == 5


def test_anonymized_rows_are_still_deleted_by_a_later_delete_policy(cases):
    apply(dry_run=False)
    RetentionPolicy.objects.create(kind="closed_cases", action="delete", keep_months=24)

    apply(dry_run=False)

    assert not ServiceCase.objects.filter(pk__in=[c.pk for c in cases["expired"]]).exists()


def _rejected(kind: str, data: dict, *, months: int) -> ImportRejectedRow:
    run = ImportRun.objects.create(kind=kind, filename="file.csv", status=ImportRun.Status.DONE)
    ImportRun.objects.filter(pk=run.pk).update(created_at=months_ago(months, 1))
    return ImportRejectedRow.objects.create(
        run=run, line=2, data=data, errors={"contact_email": ["Enter a valid email address."]}
    )


def test_rejected_import_rows_are_anonymized_except_those_naming_a_customer_on_hold():
    CustomerFactory(source="crm", external_id="HELD-1", legal_hold=True)
    old = _rejected("customers", {"source": "crm", "external_id": "X-1", "contact_email": "jane@"}, months=7)
    held_customer = _rejected(
        "customers", {"source": "crm", "external_id": "HELD-1", "name": "Held"}, months=7
    )
    held_case = _rejected(
        "cases", {"customer_source": "crm", "customer_external_id": "HELD-1", "external_id": "T-1"}, months=7
    )
    recent = _rejected("customers", {"source": "crm", "external_id": "X-2"}, months=1)
    RetentionPolicy.objects.create(kind="import_rejected_rows", action="anonymize", keep_months=6)

    assert "would anonymize 1 rejected import rows" in apply(dry_run=True)
    assert "2 kept for legal hold" in apply(dry_run=True)
    apply(dry_run=False)

    old.refresh_from_db()
    assert old.data == {} and old.anonymized_at is not None and old.errors
    for row in (held_customer, held_case, recent):
        data = row.data
        row.refresh_from_db()
        assert row.data == data and row.anonymized_at is None


def test_access_log_entries_past_their_time_are_deleted_except_on_legal_hold():
    kind = kinds.get("access_log")
    assert kind is not None and kind.actions == ["delete"]
    user = user_with("account manager")
    customer, held = CustomerFactory(account_manager=user), CustomerFactory(legal_hold=True)
    old = [
        AccessLogEntry.objects.create(
            user=user,
            subject=customer,
            fields=["contact_email"],
            at=months_ago(85),
            purpose="own account",
            channel="page",
        )
        for _ in range(3)
    ]
    kept = [
        AccessLogEntry.objects.create(
            user=user,
            subject=customer,
            fields=["contact_email"],
            at=months_ago(1),
            purpose="own account",
            channel="page",
        ),
        AccessLogEntry.objects.create(
            user=user,
            subject=held,
            fields=["contact_email"],
            at=months_ago(90),
            purpose="own account",
            channel="page",
        ),
    ]
    RetentionPolicy.objects.create(kind="access_log", action="delete", keep_months=84)

    output = apply(dry_run=False, batch_size=2)

    assert "deleted 3 access-log entries" in output and "1 kept for legal hold" in output
    assert set(AccessLogEntry.objects.values_list("pk", flat=True)) == {entry.pk for entry in kept}
    assert not {entry.pk for entry in old} & set(AccessLogEntry.objects.values_list("pk", flat=True))


def test_a_policy_whose_kind_or_action_is_not_available_is_skipped_with_the_reason(cases):
    RetentionPolicy.objects.create(kind="feedback_text", action="anonymize", keep_months=12)
    RetentionPolicy.objects.create(kind="access_log", action="anonymize", keep_months=12)

    output = apply(dry_run=False)

    assert "feedback_text · anonymize after 12 months: skipped: no retention kind 'feedback_text'" in output
    assert (
        "access_log · anonymize after 12 months: skipped: access-log entries may not be anonymized" in output
    )
    assert "anonymized 5 resolved service cases" in output


def test_the_periodic_check_runs_retention_for_real(cases):
    line = checks.run("retention")

    assert line == "5 rows anonymized, 0 deleted over 1 policies"
    assert ServiceCase.objects.filter(anonymized_at__isnull=False).count() == 5
    assert checks.run("retention") == "0 rows anonymized, 0 deleted over 1 policies"


def test_an_inactive_policy_does_nothing(cases):
    RetentionPolicy.objects.update(active=False)

    assert "No active retention policy" in apply(dry_run=False)
    assert not ServiceCase.objects.filter(anonymized_at__isnull=False).exists()


def test_months_before_keeps_the_day_or_takes_the_months_last():
    at = datetime.datetime(2026, 3, 31, 12, tzinfo=datetime.UTC)
    assert service.months_before(at, 1) == datetime.datetime(2026, 2, 28, 12, tzinfo=datetime.UTC)
    assert service.months_before(at, 24) == datetime.datetime(2024, 3, 31, 12, tzinfo=datetime.UTC)
    assert service.months_before(at, 3) == datetime.datetime(2025, 12, 31, 12, tzinfo=datetime.UTC)


def test_seed_creates_sensible_policies_once():
    from privacy.demo import seed_retention_policies

    seed_retention_policies()
    seed_retention_policies()

    assert sorted(RetentionPolicy.objects.values_list("kind", "action")) == [
        ("access_log", "delete"),
        ("closed_cases", "anonymize"),
        ("import_rejected_rows", "delete"),
    ]


@pytest.mark.parametrize(
    "role, status",
    [("data steward", 200), ("auditor", 200), ("operations lead", 403), ("account manager", 403)],
)
def test_the_retention_page_shows_the_dry_run_to_stewards_and_auditors(client, cases, role, status):
    from tests.factories import PASSWORD

    user = user_with(role, regions=["EMEA"])
    assert client.login(username=user.username, password=PASSWORD)
    before = snapshot()

    page = client.get("/segments/retention/")

    assert page.status_code == status
    if status == 200:
        text = page.content.decode()
        assert 'data-kind="closed_cases"' in text
        assert '<td data-label="Would change" class="num" data-testid="would-change">5</td>' in text
    assert snapshot() == before
