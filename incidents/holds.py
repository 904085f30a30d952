"""Recovery first (issue 19, item 5): a customer affected by an active incident (open or mitigated) is held —
no survey invitation goes to them and the sentiment of their feedback is not analysed until it is over.

The feedback app asks (feedback/holds.py) without importing incidents: this contribution module, found at
start-up (intimacy_ops/discovery.py, `holds`), registers the answer. One query for any number of customers.
"""

from feedback import holds
from incidents.lifecycles import ACTIVE
from incidents.models import AffectedCustomer

TITLE_AT_MOST = 60


def _title(title: str) -> str:
    return title if len(title) <= TITLE_AT_MOST else title[: TITLE_AT_MOST - 1].rstrip() + "…"


@holds.register
def in_recovery(customer_ids: list[int]) -> dict[int, str]:
    """{customer id: "customer in recovery from incident #12 'Warehouse down'"} for those in an active incident
    (the earliest started one named; "and N more" when there are others)."""
    rows = (
        AffectedCustomer.objects.filter(customer_id__in=customer_ids, incident__status__in=ACTIVE)
        .order_by("customer_id", "incident__started_at", "incident_id")
        .values_list("customer_id", "incident_id", "incident__title")
    )
    found: dict[int, tuple[int, str, int]] = {}
    for customer_id, incident_id, title in rows:
        if customer_id in found:
            first_id, first_title, more = found[customer_id]
            found[customer_id] = (first_id, first_title, more + 1)
        else:
            found[customer_id] = (incident_id, title, 0)
    return {
        customer_id: f"customer in recovery from incident #{incident_id} '{_title(title)}'"
        + (f" and {more} more" if more else "")
        for customer_id, (incident_id, title, more) in found.items()
    }
