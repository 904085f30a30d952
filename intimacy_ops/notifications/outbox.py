"""The outbox: notices that must outlive the caller's rollback (the administrators' alerts).

`notify()` writes in the caller's transaction, and a 409 rolls that back: an alert written there would be
lost with the request it is about. A second database connection is no way out on SQLite (the caller holds
the write lock until it rolls back). So the notice waits in this thread's outbox until the caller's
transaction is over: written at once when no transaction is open, otherwise when the HTTP request
finishes (`request_finished`, after the view's transaction ended either way) or the Celery task is over
(`task_postrun`). It is also logged at once. The kernel connects those signals (intimacy_ops/apps.py).
"""

import logging
import threading

from django.db import transaction

from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import people_with_role
from intimacy_ops.notifications import notify

log = logging.getLogger(__name__)

_local = threading.local()


def _waiting() -> list:
    if not hasattr(_local, "alerts"):
        _local.alerts = []
    return _local.alerts


def administrators() -> list:
    return list(people_with_role(Role.ADMINISTRATOR))


def _send(subject: str, body: str, link: str) -> None:
    with transaction.atomic():
        notify(administrators(), subject=subject, body=body, link=link)


def alert_administrators(*, subject: str, body: str, link: str = "") -> None:
    """Tell the administrators (active superusers and the administrator role), even if the caller rolls back."""
    log.error("%s: %s", subject, body)
    if transaction.get_connection().in_atomic_block:
        _waiting().append((subject, body, link))
    else:
        _send(subject, body, link)


def forget(**kwargs) -> None:
    """A new request starts: alerts left by work outside any HTTP request are not carried into it."""
    _waiting().clear()


def flush(**kwargs) -> int:
    """The HTTP request or task is over, and with it its transaction: write the alerts it raised."""
    alerts = list(_waiting())
    _waiting().clear()
    for subject, body, link in alerts:
        try:
            _send(subject, body, link)
        except Exception:  # the response is gone; never fail the request cycle for an alert (it is logged)
            log.exception("could not store the administrators' alert: %s", subject)
    return len(alerts)
