"""Every page of every demo role, checked by axe-core (issue 18, item 7): no serious or critical violation.

The pages come from the URL conf and the access expectation table (tests/security/expectations.py): every
route of a page that answers GET is visited by each demo role its row lets read it, on the demo data (a route
naming an object opens one the role sees, of the state the page is for). A page added later is visited the
day it is routed; one that no role reaches (a route naming a kind of object this module cannot find, a page
refused to everyone) fails as "page not covered". Routes that answer no HTML page for a person say why in
`NOT_A_PAGE`.

One browser for the module (tests/conftest.py's), one context per role, one seeded database. Every page is
opened (its answer checked) by every role that may; axe runs on a role's page unless it shows only kinds of
element a page of the same route already checked showed (`KINDS_OF_ELEMENT`): about 290 pages opened, 110
checked, in 250 s on two cores shared with eight other test runs.
"""

import io
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone

from exceptions.models import ExceptionRequest, Process, RoutingThreshold
from feedback.models import RootCauseAnalysis
from governance.models import Board, Meeting, Review, ThresholdPolicy
from incidents.models import Incident
from intimacy_ops import access, checks
from intimacy_ops.accounts.demo import DEMO_PASSWORD
from intimacy_ops.accounts.models import User
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications.models import Notification
from keyaccounts import links
from keyaccounts.models import CustomerLink, HealthReview
from privacy.models import BreakGlassSession, SensitiveAccessGrant
from segments.models import Customer, ImportRun, Segment, ServiceCase, ThresholdChange
from tests.browser.conftest import DESKTOP, SCREENSHOTS, TIMEOUT_MS
from tests.security.expectations import ROUTES
from tests.security.test_matrix import walk
from tests.security.world import KINDS

pytestmark = pytest.mark.browser

SEVERE = ("serious", "critical")
# The expectation table's roles → CONTRACT.md's demo users.
PEOPLE = {
    "am": "am.alice",
    "owner": "owner.olivia",
    "chair": "ccb.carol",
    "member": "ccb.dan",
    "lead": "ops.oscar",
    "steward": "steward.sam",
    "auditor": "audit.ada",
    "admin": "admin",
}

# Routes answering GET with something other than a page for a person to read (a route whose name ends in
# "csv" is a file too).
NOT_A_PAGE = {
    "healthz": "JSON for the monitoring",
    "favicon": "an icon",
    "audit-verify-download": "the verification result as a file",
    "dashboard:panel": "a fragment of /dashboard/, checked there (htmx loads every panel)",
    "check-row": "a fragment of /checks/, checked there",
    "segments:import-progress": "a fragment of the import page, checked there",
    "exceptions:similar": "a fragment of the request form, checked there",
    "governance:meeting-ics": "a calendar file",
    "governance:calendar-feed": "a calendar file",
    "notification-open": "marks a notice read and redirects to its subject, a page visited on its own",
    "conversation:attachment": "an uploaded file",
    "accounts:login": "visited signed out, before the roles sign in",
    "customer-link": "visited signed out, as the customer's contact opens it",
}
# A page's query string, where the page without one shows little (the search with nothing searched).
QUERIES = {"search:results": "?q=Acme"}


def _seen(user, model: type[Model]) -> QuerySet:
    """What the user sees of a model: its access scope, or every row of reference data (the page decides)."""
    try:
        return access.visible(user, model).order_by("pk")
    except LookupError:
        return model._default_manager.order_by("pk")


def _pk(queryset: QuerySet) -> dict | None:
    found = queryset.values_list("pk", flat=True).first()
    return None if found is None else {"pk": found}


Objects = Callable[[User], dict | None]
Status = ExceptionRequest.Status
# The kinds of object the table's routes name (`Row.obj`) → the URL kwargs of one the user sees.
OBJECTS: dict[str, Objects] = {
    "customer": lambda user: _pk(_seen(user, Customer)),
    "case": lambda user: _pk(_seen(user, ServiceCase)),
    "exception": lambda user: _pk(_seen(user, ExceptionRequest).exclude(status=Status.DRAFT)),
    "draft": lambda user: _pk(_seen(user, ExceptionRequest).filter(status=Status.DRAFT, requested_by=user)),
    "process": lambda user: _pk(_seen(user, Process)),
    "routing-threshold": lambda user: _pk(_seen(user, RoutingThreshold)),
    "review": lambda user: _pk(_seen(user, Review).filter(kind=Review.Kind.EXCEPTION)),
    "proposal": lambda user: _pk(_seen(user, Review).exclude(kind=Review.Kind.EXCEPTION)),
    "board": lambda user: _pk(_seen(user, Board)),
    "meeting": lambda user: _pk(_seen(user, Meeting)),
    "threshold-policy": lambda user: _pk(_seen(user, ThresholdPolicy)),
    "rca": lambda user: _pk(_seen(user, RootCauseAnalysis)),
    "import": lambda user: _pk(_seen(user, ImportRun)),
    "threshold-change": lambda user: _pk(_seen(user, ThresholdChange)),
    "escalation": lambda user: _pk(_seen(user, Escalation).filter(resolved_at__isnull=True)),
    "notification": lambda user: _pk(_seen(user, Notification).filter(recipient=user)),
    "customer-link": lambda user: _pk(_seen(user, CustomerLink).filter(status=CustomerLink.Status.ACTIVE)),
    "incident": lambda user: _pk(_seen(user, Incident)),
    "health-review": lambda user: _pk(_seen(user, HealthReview).filter(status=HealthReview.Status.OPEN)),
    "segment": lambda user: {
        "segment_id": _seen(user, Segment).values_list("pk", flat=True)[0],
        "priority": "P1",
    },
}
# Pages for an object in a given state: the state the page is for, where the kind's first one is not in it.
STATES: dict[str, Objects] = {
    "exceptions:withdraw": lambda user: _pk(
        _seen(user, ExceptionRequest).filter(
            requested_by=user, status__in=[Status.SUBMITTED, Status.UNDER_REVIEW]
        )
    ),
    "governance:exception-sunset": lambda user: _pk(
        _seen(user, ExceptionRequest).filter(status=Status.ACTIVE)
    ),
    "governance:exception-revoke": lambda user: _pk(
        _seen(user, ExceptionRequest).filter(status=Status.ACTIVE)
    ),
    "governance:meeting-edit": lambda user: _pk(
        _seen(user, Meeting).filter(cancelled_at__isnull=True, starts_at__gt=timezone.now())
    ),
    "governance:meeting-cancel": lambda user: _pk(
        _seen(user, Meeting).filter(cancelled_at__isnull=True, starts_at__gt=timezone.now())
    ),
    # A tier's playbook edit page names the tier alone (the kind "segment" also names a priority).
    "keyaccounts:playbook-edit": lambda user: {
        "segment_id": _seen(user, Segment).values_list("pk", flat=True)[0]
    },
}
# Routes naming something other than a database object.
OTHER_KWARGS: dict[str, Callable[[User], list[dict]]] = {
    "role-home": lambda user: [{"role": role.slug} for role in user.roles],
    "check-history": lambda user: [{"name": checks.registered()[0].name}],
}


def _urls(key: str, route: str, user: User) -> list[str]:
    """The URLs of this page the user opens ([] when there is nothing of its kind for them to open)."""
    if key in OTHER_KWARGS:
        return [reverse(key, kwargs=kwargs) for kwargs in OTHER_KWARGS[key](user)]
    if "<" not in route:
        return [reverse(key) + QUERIES.get(key, "")]
    obj = ROUTES[key].obj
    if key not in STATES and obj not in OBJECTS:
        return []  # fails as "page not covered": teach OBJECTS the new kind
    kwargs = (STATES.get(key) or OBJECTS[obj])(user)
    return [] if kwargs is None else [reverse(key, kwargs=kwargs)]


def _pages() -> dict[str, str]:
    """Every route of a page answering GET: key → route pattern."""
    pages = {}
    for key, (route, _pattern) in walk().items():
        row = ROUTES.get(key)
        if row is None or "GET" not in row.methods.split():
            continue  # an API route, a POST-only page, or an unlisted route (the matrix fails on it)
        if key in NOT_A_PAGE or key.endswith("csv") or key.endswith("-people"):
            continue  # a file; the mention suggestions a conversation's comment box loads as you type
        pages[key] = route
    return pages


def _may_read(key: str, role: str) -> bool:
    row = ROUTES[key]
    # A status instead of True/False (409: the table's object is in the wrong state) depends on the object.
    return any(row.gate(role, kind) and row.read(role, kind) is not False for kind in KINDS)


@pytest.fixture
def demo_world(transactional_db, django_db_serialized_rollback):
    """The demo data, and what it lacks for a page to show something: an import with a rejected row, a tier
    change, a sensitive-access grant, a break-glass session waiting for a steward's review. Returns the pages
    opened signed out: key → URL (a customer link's token is known only when it is issued)."""
    call_command("seed_demo", verbosity=0)
    call_command("run_checks", "exceptions.dashboard_summaries", stdout=io.StringIO())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "customers.csv"
        path.write_text(
            "source,external_id,name,region\ncrm,A11Y-1,Accessible Ltd,EMEA\ncrm,A11Y-2,,NOWHERE\n",
            encoding="utf-8",
        )
        call_command("import_data", "customers", str(path), stdout=io.StringIO())
    now = timezone.now()
    alice, oscar, sam = (User.objects.get(username=name) for name in ("am.alice", "ops.oscar", "steward.sam"))
    customer = Customer.objects.filter(account_manager=alice).order_by("pk").first()
    ThresholdChange.objects.create(
        batch="a11y", applied_by=oscar, applied_at=now, before={}, after={}, moved=0, regions=["EMEA"]
    )
    SensitiveAccessGrant.objects.create(
        user=alice,
        subject=customer,
        purpose="Renewal negotiation",
        granted_by=sam,
        granted_at=now,
        expires_at=now + timezone.timedelta(days=2),
    )
    BreakGlassSession.objects.create(
        user=oscar,
        subject=customer,
        justification="Customer on the phone, outage",
        opened_at=now - timezone.timedelta(hours=1),
        expires_at=now + timezone.timedelta(hours=1),
    )
    _link, token = links.issue(
        actor=alice, customer=customer, contact_name="Pat Buyer", expires_at=now + timezone.timedelta(days=7)
    )
    return {"accounts:login": reverse("accounts:login"), "customer-link": links.url_of(token)}


# The kinds of element on a page (tag, classes, role, type, and whether it is labelled): what axe's verdicts
# depend on. A role's page showing only kinds that a page of the same route already checked showed is
# visited (its answer checked) but not checked again: axe would find what it found there.
KINDS_OF_ELEMENT = """() => [...new Set([...document.querySelectorAll("body *")].map(e => [
    e.tagName, [...e.classList].sort().join("."), e.getAttribute("role") || "", e.getAttribute("type") || "",
    e.id ? "#" : "", e.hasAttribute("aria-label") || e.hasAttribute("aria-labelledby") ? "l" : "",
].join("|")))]"""


def _axe(page, axe: Axe) -> list[str]:
    """The page's serious and critical violations, one line per element."""
    if page.locator("[hx-trigger*='load'], [hx-trigger*='revealed']").count():
        page.wait_for_load_state("networkidle")  # panels loaded by htmx are part of the page
    results = axe.run(page)
    return [
        f"{violation['impact']} {violation['id']} ({violation['help']}): {' '.join(node['target'])}"
        + _contrast(node)
        for violation in results.response["violations"]
        if violation["impact"] in SEVERE
        for node in violation["nodes"]
    ]


def _contrast(node: dict) -> str:
    data = next((check["data"] for check in node.get("any", []) if check["id"] == "color-contrast"), None)
    if not data:
        return ""
    return f" — {data['fgColor']} on {data['bgColor']}: {data['contrastRatio']} for {data['expectedContrastRatio']}"


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"a11y_{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"), full_page=True
    )


def _context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def test_every_page_of_every_role_passes_axe(browser, live_server, demo_world):
    started = time.monotonic()
    axe = Axe()
    pages = _pages()
    violations: dict[str, list[str]] = {}
    problems: list[str] = []
    visited: dict[str, set[str]] = {key: set() for key in pages}
    checked: dict[str, list[frozenset]] = {key: [] for key in pages}
    count = visits = 0

    context, page = _context(browser, live_server)
    for key, url in demo_world.items():
        response = page.goto(url)
        if response.status != 200:
            problems.append(f"signed out {key}: {response.status}")
        elif found := _axe(page, axe):
            violations[f"signed out {key}"] = found
            _screenshot(page, f"signed_out_{key}")
    context.close()

    for role, username in PEOPLE.items():
        user = User.objects.get(username=username)
        context, page = _context(browser, live_server)
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_test_id("sign-in").click()
        seen_urls: set[str] = set()
        for key, route in pages.items():
            if not _may_read(key, role):
                continue
            for url in _urls(key, route, user):
                response = page.goto(url)
                if response.status in (403, 404, 409) and "<" in route:
                    continue  # this object is not one the role may open: another role covers the page
                if response.status != 200:
                    problems.append(f"{username} {url} ({key}): {response.status}")
                    _screenshot(page, f"{username}_{key}")
                    continue
                visited[key].add(username)
                visits += 1
                if page.url in seen_urls:
                    continue  # a redirect to a page already checked
                seen_urls.add(page.url)
                kinds = frozenset(page.evaluate(KINDS_OF_ELEMENT))
                if any(kinds <= known for known in checked[key]):
                    continue
                checked[key].append(kinds)
                count += 1
                if found := _axe(page, axe):
                    violations[f"{username} {url} ({key})"] = found
                    _screenshot(page, f"{username}_{key}")
        context.close()

    not_covered = sorted(key for key, people in visited.items() if not people)
    elapsed = time.monotonic() - started
    print(f"axe: {visits} pages opened by {len(PEOPLE)} roles, {count} checked, in {elapsed:.0f} s")
    report = [f"page not covered (no role opened it): {key} {pages[key]}" for key in not_covered]
    report += problems
    report += [f"{where}\n    " + "\n    ".join(found) for where, found in violations.items()]
    if report:
        pytest.fail("\n".join(report), pytrace=False)
