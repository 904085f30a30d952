"""Issue 13, canary in CI: one demo customer's sensitive fields hold a unique string; after the browser, API,
import, SLA and export flows (flows.py, browsing.py) that string appears only in the places listed in
ALLOWED, and in each of them — so the search provably looks where the value would be.

Everything runs once per module (one seeded database, one set of flows, the session's one Chromium); the
tests below only search what the flows left: responses of people without access, captured log records of
every logger at DEBUG, files written under var/, audit events, notifications, escalations, e-mails, the
access log, grants and break-glass sessions, and management commands' output.
"""

import logging
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.canary import flows
from tests.canary.browsing import browse
from tests.canary.flows import CANARIES, CANARY_EMAIL, CANARY_NOTES, IMPORT_EMAIL, IMPORT_NOTES, Observed

pytestmark = pytest.mark.browser

# Where the canary must appear (positive controls), and nowhere else. Keys are the places a flow keeps.
ALLOWED = {
    "page /segments/customers/{pk}/ (am.bob)": "his own account, in full",
    "api PATCH /api/v1/customers/{pk}/ (am.bob)": "his own write, answered with his unmasked customer",
    "api GET /api/v1/customers/{pk}/ (am.bob)": "his own account, in full",
    "download /segments/customers/export.csv (am.bob)": "his own accounts' export",
    "page /segments/customers/{pk}/ (ccb.dan)": "after steward.sam's grant (logged, with its purpose)",
    "page /segments/customers/{pk}/ in break-glass (ccb.erin)": "inside her break-glass session (logged, reviewed)",
    "api POST /api/v1/customers/{pk}/subject-export/ (steward.sam)": "the data-subject export, by design",
    "download subject export of customer {pk} (steward.sam)": "the data-subject export, by design",
}
# Also allowed, and not searched: the database itself (test-db.sqlite3*) — the values live there.
DATABASE_FILES = ("test-db.sqlite3",)


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def _log_text(record: logging.LogRecord) -> str:
    text = logging.Formatter("%(name)s %(levelname)s %(message)s").format(record)
    extras = {k: v for k, v in vars(record).items() if k not in ("msg", "args", "exc_info", "message")}
    return f"{text} {record.msg!r} {record.args!r} {extras!r}"


def _capture_every_logger():
    """Lower every logger to DEBUG and listen at the root and on each logger that does not propagate."""
    handler = _Capture()
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    levels = {logger: logger.level for logger in loggers}
    # The handlers already there keep printing what they printed before (DEBUG to stderr is slow).
    handlers = {h: h.level for logger in loggers for h in logger.handlers}
    for existing in handlers:
        existing.setLevel(max(existing.level, logging.getLogger().getEffectiveLevel()))
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        if logger is logging.getLogger() or not logger.propagate:
            logger.addHandler(handler)

    def restore():
        for logger, level in levels.items():
            logger.setLevel(level)
            logger.removeHandler(handler)
        for existing, level in handlers.items():
            existing.setLevel(level)

    return handler, restore


def _var_files_since(moment: float) -> list[Observed]:
    found = []
    for path in Path(settings.VAR_DIR).rglob("*"):
        if path.is_file() and path.stat().st_mtime >= moment and not path.name.startswith(DATABASE_FILES):
            found.append(Observed(f"file {path}", path.read_bytes().decode("utf-8", "replace")))
    return found


@pytest.fixture(scope="module")
def run(browser, live_server, django_db_blocker, tmp_path_factory):
    """Seed, run every flow once, gather what they left; then empty the database like a transactional test."""
    import django.test
    from django.core import mail

    class Database(django.test.TransactionTestCase):
        serialized_rollback = True

    started = time.time()
    handler, restore_logging = _capture_every_logger()
    result = flows.Run()
    with django_db_blocker.unblock():
        Database.setUpClass()
        case = Database(methodName="__init__")
        case._pre_setup()
        try:
            try:
                mail.outbox = []
                flows.plant(result)
                flows.bob_writes_by_api(result)
                flows.imports_and_sla_breach(result, tmp_path_factory.mktemp("canary"))
                flows.everyone_reads_by_api(result)
                browse(browser, live_server.url, result)
                flows.collect(result, mail.outbox)
                result.stores["log records"] = [
                    Observed(f"log {r.name}", _log_text(r)) for r in handler.records
                ]
                result.stores["files under var/"] = _var_files_since(started)
                result.seconds = time.time() - started
            finally:
                restore_logging()
            yield result
        finally:
            case._post_teardown()
            Database.tearDownClass()


def _holding(observed: list[Observed], canaries=CANARIES) -> list[str]:
    return [f"{seen.place}: {c}" for seen in observed for c in canaries if c in seen.text]


# --- positive controls: the search looks where the value is ---------------------------------------------


def test_the_canary_is_where_it_belongs_so_the_search_looks_in_the_right_places(run):
    expected = {place.format(pk=run.customer_id) for place in ALLOWED}
    assert set(run.allowed) == expected, "every allowed place was visited, and only those are allowed"
    for place, text in run.allowed.items():
        assert CANARY_EMAIL in text, place
    assert CANARY_NOTES in run.allowed[f"page /segments/customers/{run.customer_id}/ (ccb.dan)"]
    export = run.allowed[f"download subject export of customer {run.customer_id} (steward.sam)"]
    # The rejected import row that named the customer is in the export too: the import canary is really stored.
    assert CANARY_NOTES in export and IMPORT_EMAIL in export and IMPORT_NOTES in export


def test_the_looks_that_showed_it_are_in_the_access_log_with_their_purpose(run):
    looks = {
        (row["user__username"], row["purpose"])
        for row in run.access_rows
        if row["subject_id"] == run.customer_id
    }
    assert ("am.bob", "own account") in looks
    assert ("ccb.dan", f"grant: {flows.GRANT_PURPOSE}") in looks
    assert ("ccb.erin", "break-glass") in looks
    assert any(user == "steward.sam" and flows.EXPORT_PURPOSE in purpose for user, purpose in looks)


def test_people_without_access_read_the_mask(run):
    for username in ("ccb.dan", "ccb.erin", "audit.ada", "steward.sam", "owner.olivia", "admin"):
        detail = run.masked_details[username]
        assert (detail["contact_email"], detail["personal_notes"]) == ("***", "***"), username
    assert "am.alice" not in run.masked_details and "ops.oscar" not in run.masked_details  # EMEA: 404
    assert len(run.masked) > 150  # every page, partial, JSON answer and CSV they received


# --- nowhere else ---------------------------------------------------------------------------------------


def test_no_page_answer_or_csv_of_someone_without_access_holds_it(run):
    assert _holding(run.masked) == []


@pytest.mark.parametrize(
    "store",
    [
        "log records",
        "files under var/",
        "audit events",
        "notifications",
        "escalations",
        "e-mails",
        "access-log rows",
        "grants and break-glass sessions",
        "management command output",
    ],
)
def test_no_log_trail_notice_or_mail_holds_it(run, store):
    assert run.stores[store] or store in ("files under var/",), (
        f"the flows left no {store}: nothing was searched"
    )
    assert _holding(run.stores[store]) == []


def test_the_flows_left_notices_mails_and_escalations_about_the_customer(run):
    """The writes really notified people (so the stores above were searched with something in them)."""
    mails = [seen.place for seen in run.stores["e-mails"]]
    assert any("ccb." in place for place in mails), mails  # the board, for bob's submitted request
    assert any("sla_" in seen.text and flows.CUSTOMER in seen.text for seen in run.stores["escalations"])
    loggers = {seen.place for seen in run.stores["log records"]}
    assert {"log django.request", "log celery.app.trace"} <= loggers, loggers  # the live server's, the tasks'
    assert run.seconds < 120


def test_an_emea_lead_cannot_read_an_amer_rejected_import_row(run):
    assert run.import_views, "ops.oscar opened the import pages and the rejected rows' CSV"
    assert _holding(run.import_views) == []
