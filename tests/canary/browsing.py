"""The canary's browser flows: each person in their own context of the session's one Chromium, signing in
through the real form. Every document and htmx/fetch answer a person without access receives is kept (as it
arrived), and so is the page as the browser shows it after scripts ran."""

import datetime
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.utils import timezone
from playwright.sync_api import expect

from intimacy_ops.accounts.demo import DEMO_PASSWORD
from intimacy_ops.accounts.models import User
from tests.canary.flows import (
    BREAK_GLASS_WHY,
    CANARY_EMAIL,
    CUSTOMER,
    EXPORT_PURPOSE,
    GRANT_PURPOSE,
    Observed,
    Run,
)

TIMEOUT_MS = 10_000
TEXT_TYPES = ("document", "xhr", "fetch")
UNSTYLED = re.compile(r"\.(css|svg|png|ico|woff2?)$")


class Person:
    def __init__(self, browser, base_url: str, run: Run, username: str):
        self.run, self.username, self.allowed = run, username, False
        self.context = browser.new_context(base_url=base_url, locale="en-GB", accept_downloads=True)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.on("response", self._received)
        # Looks do not matter here, only what arrives: no style sheets, images or fonts (scripts do run).
        self.context.route(UNSTYLED, lambda route: route.abort())
        self.page = self.context.new_page()
        # Straight to their notices (a page worth searching too), not past their role's home page.
        self.page.goto("/accounts/login/?next=/notifications/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(DEMO_PASSWORD)
        with self.page.expect_navigation():
            self.page.get_by_test_id("sign-in").click()

    def _received(self, response) -> None:
        if self.allowed or response.request.resource_type not in TEXT_TYPES:
            return
        try:
            body = response.text()
        except Exception:  # a redirect has no body
            return
        place = f"browser {response.request.method} {urlsplit(response.url).path} ({self.username})"
        self.run.masked.append(Observed(place, body))

    def visit(self, url: str, *, allowed: bool = False):
        self.allowed = allowed
        try:
            response = self.page.goto(url)
        finally:
            self.allowed = False
        self.run.keep(f"page {url} ({self.username})", self.page.content(), allowed=allowed)
        return response

    def download(self, url: str, *, allowed: bool = False, into: list | None = None) -> str:
        """A file link opened with the person's cookies (CSV exports)."""
        response = self.context.request.get(url)
        assert response.status < 500, (url, response.status)
        text = response.body().decode("utf-8", "replace")
        place = f"download {url} ({self.username})"
        if into is not None:
            into.append(Observed(place, text))
        else:
            self.run.keep(place, text, allowed=allowed)
        return text

    def close(self) -> None:
        self.context.close()


def browse(browser, base_url: str, run: Run) -> None:
    pk = run.customer_id
    customer_page = f"/segments/customers/{pk}/"

    def person(username):
        return Person(browser, base_url, run, username)

    # am.bob reads his customer in full, records a consent, and exports his list (his own values in it).
    bob = person("am.bob")
    bob.visit(customer_page, allowed=True)
    expect(bob.page.get_by_test_id("contact-email")).to_have_text(CANARY_EMAIL)
    bob.page.get_by_test_id("consent-flag").select_option("surveys")
    bob.page.get_by_test_id("consent-value").select_option("1")
    bob.page.get_by_test_id("consent-reason").fill("signed form of 20 Nov, ticket 4411")
    bob.allowed = True  # the redirect brings back his unmasked page
    with bob.page.expect_navigation():
        bob.page.get_by_test_id("consent-save").click()
    bob.allowed = False
    expect(bob.page.get_by_text("Consent to contact for surveys recorded as given")).to_be_visible()
    bob.download("/segments/customers/export.csv", allowed=True)
    bob.close()

    # People without access: the list, the customer, its request and review, and the CSV export; a few
    # pages more where this role would meet the customer (notices, the access log, the trail, imports).
    pages = [
        "/segments/customers/",
        customer_page,
        f"/exceptions/{run.exception_ids[0]}/",
        f"/governance/reviews/{run.review_id}/",
    ]
    extra = {
        "am.alice": [f"/search/?q={CUSTOMER.split()[0]}"],
        "ops.oscar": ["/escalations/"],
        "ccb.dan": [f"/exceptions/{run.exception_ids[-1]}/", "/notifications/"],
        "audit.ada": ["/segments/privacy/access-log/", "/audit/"],
    }
    for username in ("am.alice", "ops.oscar", "ccb.dan", "audit.ada"):
        someone = person(username)
        for url in pages + extra[username]:
            someone.visit(url)
        someone.download("/segments/customers/export.csv")
        if username == "ops.oscar":  # issue 13's defect 1: an EMEA lead and an AMER row's rejected import
            for url in ("/segments/imports/", f"/segments/imports/{run.import_run_id}/"):
                someone.allowed = True  # kept apart below, not with the rest
                response = someone.page.goto(url)
                someone.allowed = False
                run.import_views.append(Observed(f"page {url} (ops.oscar)", someone.page.content()))
                assert response.status < 500
            someone.download(f"/segments/imports/{run.import_run_id}/rejected.csv", into=run.import_views)
        someone.close()

    # steward.sam: masked on the page; grants ccb.dan the customer for a stated purpose.
    sam = person("steward.sam")
    for url in (customer_page, "/notifications/"):
        sam.visit(url)
    sam.download("/segments/customers/export.csv")
    sam.visit("/segments/privacy/grants/")
    form = sam.page.get_by_test_id("grant-form")
    form.get_by_label("User").select_option("ccb.dan")
    form.get_by_label("Customer").select_option(str(pk))
    form.get_by_label("Purpose").fill(GRANT_PURPOSE)
    until = timezone.localdate() + datetime.timedelta(days=7)
    form.locator('input[name="until"]').fill(until.isoformat())
    with sam.page.expect_navigation():
        form.get_by_test_id("grant").click()
    expect(sam.page.get_by_test_id("grant-row")).to_contain_text(
        User.objects.get(username="ccb.dan").display_name
    )

    # The grantee looks: unmasked, logged.
    dan = person("ccb.dan")
    dan.visit(customer_page, allowed=True)
    expect(dan.page.get_by_test_id("contact-email")).to_have_text(CANARY_EMAIL)
    expect(dan.page.get_by_test_id("sensitive-purpose")).to_contain_text("grant")
    dan.close()

    # ccb.erin opens break-glass with a purpose; inside it she reads the values.
    erin = person("ccb.erin")
    erin.visit(customer_page)  # masked (test_canary searches it), with the break-glass form
    erin.page.get_by_text("Emergency access (break-glass)").click()
    erin.page.get_by_label("Justification").fill(BREAK_GLASS_WHY)
    erin.allowed = True
    with erin.page.expect_navigation():
        erin.page.get_by_test_id("open-break-glass").click()
    erin.allowed = False
    run.allowed[f"page {customer_page} in break-glass (ccb.erin)"] = erin.page.content()
    expect(erin.page.get_by_test_id("sensitive-purpose")).to_contain_text("break-glass")
    erin.close()

    # steward.sam reviews the session, then downloads the data-subject export (the canary, by design).
    sam.visit("/segments/privacy/break-glass/")
    row = (
        sam.page.get_by_test_id("open-sessions")
        .get_by_test_id("session-row")
        .filter(has_text=User.objects.get(username="ccb.erin").display_name)
    )
    with sam.page.expect_navigation():
        row.get_by_test_id("accept").click()
    expect(sam.page.get_by_test_id("reviewed-sessions")).to_contain_text(
        User.objects.get(username="ccb.erin").display_name
    )
    sam.visit("/segments/privacy/access-log/")
    sam.visit(customer_page)  # still masked to her: the export below is the one justified look
    sam.page.get_by_test_id("subject-export-purpose").fill(EXPORT_PURPOSE)
    with sam.page.expect_download() as download:
        sam.allowed = True
        sam.page.get_by_test_id("subject-export-download").click()
    sam.allowed = False
    document = Path(download.value.path()).read_text(encoding="utf-8")
    run.allowed[f"download subject export of customer {pk} (steward.sam)"] = document
    sam.close()
