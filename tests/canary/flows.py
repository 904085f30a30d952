"""The canary's flows: the demo data, one AMER customer of am.bob whose sensitive fields hold a unique string,
then the real flows through the public surface (browser, API, management commands, exports). Every response,
file and row a flow leaves is kept as an `Observed` (where it was, who saw it, its text) in a `Run`, which
test_canary.py searches.

Who may read the canary (the allowed places, test_canary.ALLOWED): am.bob (his own account), ccb.dan after
steward.sam grants him the customer, ccb.erin inside her break-glass session, and steward.sam's data-subject
export. Everyone else, and every log, trail, notice and e-mail, must never hold it.
"""

import datetime
import io
import json
import secrets
from dataclasses import dataclass, field

from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from intimacy_ops.accounts.demo import DEMO_PASSWORD

TOKEN = secrets.token_hex(6)
CANARY_EMAIL = f"canary-{TOKEN}@example.invalid"
CANARY_NOTES = f"CANARY-NOTES-{TOKEN}"
# The rejected import row carries its own canary, so issue 13's defect 1 (its CSV) stays apart from the rest.
IMPORT_TOKEN = secrets.token_hex(6)
IMPORT_EMAIL = f"canary-import-{IMPORT_TOKEN}@example.invalid"
IMPORT_NOTES = f"CANARY-IMPORT-NOTES-{IMPORT_TOKEN}"
CANARIES = (CANARY_EMAIL, CANARY_NOTES, IMPORT_EMAIL, IMPORT_NOTES)

CUSTOMER = "Fjord Shipping"  # demo: AMER, am.bob, a request under review by the board (review open)
# Demo people without access to the customer's sensitive fields (EMEA ones do not even see the customer).
WITHOUT_ACCESS = ("am.alice", "ops.oscar", "ccb.dan", "ccb.erin", "audit.ada", "steward.sam", "owner.olivia")
API_WITHOUT_ACCESS = (*WITHOUT_ACCESS, "admin")
GRANT_PURPOSE = "Quarterly renewal call prep, ticket DSR-7781"
BREAK_GLASS_WHY = "P1 outage at the customer's main port, account manager unreachable"
EXPORT_PURPOSE = "Right-of-access request DSR-7782 received by e-mail"


@dataclass
class Observed:
    place: str  # e.g. "page GET /segments/customers/6/ (ops.oscar)"
    text: str


@dataclass
class Run:
    customer_id: int = 0
    exception_ids: list[int] = field(default_factory=list)
    review_id: int = 0
    import_run_id: int = 0
    allowed: dict[str, str] = field(default_factory=dict)  # place → text that must hold the canary
    masked: list[Observed] = field(default_factory=list)  # what people without access received
    masked_details: dict[str, dict] = field(default_factory=dict)  # username → the customer's JSON they read
    import_views: list[Observed] = field(default_factory=list)  # defect 1: an EMEA lead and an AMER import
    command_output: list[Observed] = field(default_factory=list)
    stores: dict[str, list[Observed]] = field(default_factory=dict)  # "audit events" → rows, … (collect())
    access_rows: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def keep(self, place: str, text: str, *, allowed: bool) -> None:
        if allowed:
            self.allowed[place] = text
        else:
            self.masked.append(Observed(place, text))


# --- setup ------------------------------------------------------------------------------------------------


def plant(run: Run) -> None:
    """The demo data; the canary e-mail on am.bob's AMER customer (the notes arrive through his API call)."""
    from governance.models import Review
    from segments.models import Customer

    call_command("seed_demo", verbosity=0)
    customer = Customer.objects.get(name=CUSTOMER)
    assert (customer.region.code, customer.account_manager.username) == ("AMER", "am.bob")
    Customer.objects.filter(pk=customer.pk).update(contact_email=CANARY_EMAIL)
    run.customer_id = customer.pk
    under_review = customer.exception_requests.get(status="under_review")
    run.review_id = Review.objects.get(exception=under_review).pk
    run.exception_ids = [under_review.pk]


def command(run: Run, *args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, verbosity=2)
    run.command_output.append(
        Observed(f"manage.py {' '.join(map(str, args))}", out.getvalue() + err.getvalue())
    )
    return out.getvalue()


# --- API ----------------------------------------------------------------------------------------------------


def api_as(username: str) -> APIClient:
    client = APIClient()
    answer = client.post(
        "/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}, format="json"
    )
    assert answer.status_code == 200, answer.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    return client


def _api(run: Run, client, username, method, url, *, allowed=False, **data):
    response = getattr(client, method)(url, data or None, format="json")
    assert response.status_code < 500, (url, response.status_code)
    run.keep(f"api {method.upper()} {url} ({username})", response.content.decode(), allowed=allowed)
    return response


def bob_writes_by_api(run: Run) -> None:
    """am.bob writes the notes, reads his customer, and submits a request about it (notices, e-mails)."""
    from exceptions.models import Process

    bob, pk = api_as("am.bob"), run.customer_id
    answer = _api(
        run, bob, "am.bob", "patch", f"/api/v1/customers/{pk}/", allowed=True, personal_notes=CANARY_NOTES
    )
    assert answer.status_code == 200, answer.content
    _api(run, bob, "am.bob", "get", f"/api/v1/customers/{pk}/", allowed=True)
    starts_on = timezone.localdate() + datetime.timedelta(days=20)
    created = _api(
        run,
        bob,
        "am.bob",
        "post",
        "/api/v1/exceptions/",
        customer=pk,
        process=Process.objects.order_by("pk").first().pk,
        title="Weekend berth slot for the Bergen vessel",
        deviation="Unload on Saturdays at the northern berth instead of the weekday slot.",
        justification="Their charter runs Friday to Saturday; the weekday slot idles a ship.",
        kind="one_off",
        estimated_one_off_cost="25000",
        estimated_monthly_cost="6000",
        starts_on=starts_on.isoformat(),
        expires_on=(starts_on + datetime.timedelta(days=30)).isoformat(),
    )
    assert created.status_code == 201, created.content
    exception_id = created.json()["id"]
    submitted = _api(run, bob, "am.bob", "post", f"/api/v1/exceptions/{exception_id}/submit/")
    assert submitted.status_code == 200, submitted.content
    run.exception_ids.append(exception_id)


def imports_and_sla_breach(run: Run, tmp_dir) -> None:
    """A customers file whose AMER row is rejected (strategic value 9) with the import canary in its sensitive
    columns; a P1 case of the customer opened three days ago and never answered; the SLA sweep escalates it."""
    from segments.models import Customer, ImportRun

    customer = Customer.objects.get(pk=run.customer_id)
    customers = tmp_dir / "customers.csv"
    customers.write_text(
        "source,external_id,name,region,account_manager,strategic_value,contact_email,personal_notes\n"
        f"{customer.source},{customer.external_id},{customer.name},AMER,am.bob,9,{IMPORT_EMAIL},{IMPORT_NOTES}\n",
        encoding="utf-8",
    )
    assert command(run, "import_data", "customers", str(customers)).strip().endswith("rejected 1")
    run.import_run_id = ImportRun.objects.latest("pk").pk
    opened = (timezone.now() - datetime.timedelta(days=3)).isoformat()
    cases = tmp_dir / "cases.csv"
    cases.write_text(
        "source,external_id,customer_source,customer_external_id,priority,opened_at\n"
        f"crm,CANARY-CASE-1,{customer.source},{customer.external_id},P1,{opened}\n",
        encoding="utf-8",
    )
    assert "created 1" in command(run, "import_data", "cases", str(cases))
    command(run, "run_checks", "--check", "sla_sweep")


def everyone_reads_by_api(run: Run) -> None:
    """Each role's reads by token: customers, the requests and review about the customer, escalations, the
    access log; then steward.sam's data-subject export (which holds the canary by design)."""
    pk = run.customer_id
    for username in API_WITHOUT_ACCESS:
        client = api_as(username)
        urls = [
            "/api/v1/customers/?page_size=200",
            f"/api/v1/customers/?search={CUSTOMER.split()[0]}",
            f"/api/v1/customers/{pk}/",
            f"/api/v1/exceptions/?customer={pk}",
            f"/api/v1/reviews/?exception={run.exception_ids[0]}",
            f"/api/v1/reviews/{run.review_id}/",
            "/api/v1/escalations/",
            "/api/v1/access-log/",
            "/api/v1/access-grants/",
            "/api/v1/break-glass/",
            *(f"/api/v1/exceptions/{exception_id}/" for exception_id in run.exception_ids),
        ]
        for url in urls:
            response = _api(run, client, username, "get", url)
            if url == f"/api/v1/customers/{pk}/" and response.status_code == 200:
                run.masked_details[username] = response.json()
    steward = api_as("steward.sam")
    answer = _api(
        run,
        steward,
        "steward.sam",
        "post",
        f"/api/v1/customers/{pk}/subject-export/",
        allowed=True,
        purpose=EXPORT_PURPOSE,
    )
    assert answer.status_code == 200, answer.content


# --- the stores the flows wrote into ------------------------------------------------------------------------


def collect(run: Run, outbox) -> None:
    """Every audit event, notification, escalation, e-mail and access-log row, as text."""
    from intimacy_ops.audit import AuditEvent
    from intimacy_ops.escalations.models import Escalation
    from intimacy_ops.notifications.models import Notification
    from privacy.models import AccessLogEntry, BreakGlassSession, SensitiveAccessGrant

    def rows(queryset, name):
        return [Observed(f"{name} #{row['id']}", json.dumps(row, default=str)) for row in queryset.values()]

    run.stores["audit events"] = [
        Observed(
            f"audit event #{event.pk} {event.verb}",
            json.dumps(event.content(), default=str) + (event.hash or "unsealed"),
        )
        for event in AuditEvent.objects.order_by("pk")
    ]
    run.stores["notifications"] = rows(Notification.objects.order_by("pk"), "notification")
    run.stores["escalations"] = rows(Escalation.objects.order_by("pk"), "escalation")
    run.stores["e-mails"] = [
        Observed(f"e-mail {i} to {', '.join(message.to)}: {message.subject}", message.message().as_string())
        for i, message in enumerate(outbox)
    ]
    run.stores["access-log rows"] = rows(AccessLogEntry.objects.order_by("pk"), "access-log row")
    run.stores["grants and break-glass sessions"] = rows(SensitiveAccessGrant.objects.all(), "grant") + rows(
        BreakGlassSession.objects.all(), "break-glass session"
    )
    run.stores["management command output"] = run.command_output
    run.access_rows = list(
        AccessLogEntry.objects.order_by("pk").values("user__username", "subject_id", "purpose", "channel")
    )
