"""The periodic checks of exceptions (DESIGN.md, "Background work"): start and expiry dates, expiry
reminders, and similar exceptions that call for a standard option. Each is idempotent and safe to run
twice at once."""

from django.utils import timezone

from exceptions.services.lifecycle import (
    activate_due_exceptions,
    expire_due_exceptions,
    sunset_due_exceptions,
)
from exceptions.services.reminders import send_expiry_reminders
from exceptions.services.similar import signal_standard_options
from exceptions.summaries.refresh import refresh as refresh_summaries
from exceptions.summaries.selectors import EVERY_MINUTES as SUMMARY_EVERY_MINUTES
from intimacy_ops import checks


@checks.register(
    name="exceptions.start_and_expiry",
    every_seconds=3600,
    description=(
        "Approved exceptions become active on their start date; active ones end on the sunset date a board "
        "set, or expire on their expiry date."
    ),
)
def start_and_expiry() -> checks.CheckResult:
    today = timezone.localdate()
    activated = activate_due_exceptions(today=today)
    # Before expiry: a board's sunset date (never after the expiry date) is the reason it ends.
    sunset = sunset_due_exceptions(today=today)
    expired = expire_due_exceptions(today=today)
    return checks.CheckResult(
        summary=f"activated {activated}, sunset {sunset}, expired {expired} exception(s)",
        counts={"activated": activated, "sunset": sunset, "expired": expired},
    )


@checks.register(
    name="exceptions.expiry_reminders",
    every_seconds=3600,
    description=(
        "Requesters are reminded, once per expiry date, N days (per region) before their exception expires; "
        "each hears once per run, naming all their expiries."
    ),
)
def expiry_reminders() -> checks.CheckResult:
    return send_expiry_reminders(today=timezone.localdate())


@checks.register(
    name="exceptions.standard_options",
    every_seconds=3600,
    description="Process owners are told, once, when enough customers hold alike exceptions to propose a standard option.",
)
def standard_options() -> str:
    return f"proposed {signal_standard_options()} standard option(s) to process owners"


@checks.register(
    name="exceptions.dashboard_summaries",
    every_seconds=SUMMARY_EVERY_MINUTES * 60,
    description=(
        "The dashboard's summary tables (active requests per region, segment, process and status; requests "
        "created and decided per day; decision times) are rebuilt from the requests, set-based, in one "
        "transaction."
    ),
)
def dashboard_summaries() -> checks.CheckResult:
    written = refresh_summaries()
    return checks.CheckResult(
        summary=f"refreshed the dashboard's summaries: {sum(written.values())} rows",
        counts=written,
    )
