"""The segments API (CONTRACT.md), one module per resource: tiers with the what-if preview, customers,
SLA policies, service cases. The privacy resources (access log, grants, break-glass, a customer's
subject export) are the privacy part's (privacy/api.py), for the subjects segments declares.

Serializers parse and present; every write is one service call. Related objects travel by id,
people by username. Sensitive customer fields go through `intimacy_ops.sensitive`.
"""

from segments.api import cases, customers, sla_policies, tiers


def register(router) -> None:
    router.register("segments", tiers.SegmentViewSet, basename="segment")
    router.register("customers", customers.CustomerViewSet, basename="customer")
    router.register("sla-policies", sla_policies.SlaPolicyViewSet, basename="sla-policy")
    router.register("cases", cases.CaseViewSet, basename="case")
