"""The segments API (CONTRACT.md), one module per resource: tiers with the what-if preview, customers,
SLA policies, service cases, and the privacy resources (access log, grants, break-glass, subject export).

Serializers parse and present; every write is one service call. Related objects travel by id,
people by username. Sensitive customer fields go through `intimacy_ops.sensitive`.
"""

from segments.api import cases, customers, privacy, sla_policies, subject_export, tiers


def register(router) -> None:
    router.register("segments", tiers.SegmentViewSet, basename="segment")
    router.register("customers", customers.CustomerViewSet, basename="customer")
    router.register("sla-policies", sla_policies.SlaPolicyViewSet, basename="sla-policy")
    router.register("cases", cases.CaseViewSet, basename="case")
    privacy.register(router)
    # A data subject's export: /api/v1/customers/{id}/subject-export/.
    subject_export.register(router)
