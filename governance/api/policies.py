"""The policies API of governance."""


def register(router) -> None:
    """Add this module's viewsets to the API router."""
