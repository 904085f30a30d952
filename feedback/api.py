"""The feedback API (CONTRACT.md: `/api/v1/feedback/`, `/api/v1/rcas/`), one module per sub-domain."""

from feedback import api_rca


def register(router) -> None:
    api_rca.register(router)
