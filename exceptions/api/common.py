"""What the exceptions API modules share: money fields, help texts, documented error responses."""

from exceptions.models import ExceptionRequest, RiskRating
from intimacy_ops.api import ERROR_RESPONSES

MONEY = {"max_digits": 14, "decimal_places": 2}
STATUS_HELP = "An exception status: " + ", ".join(ExceptionRequest.Status.values) + "."
RISK_HELP = "Requests with this risk rating or higher go to the board: " + ", ".join(RiskRating.values) + "."


def errors_for(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}
