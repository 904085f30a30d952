"""What a board's approval of a standardization or sunset proposal does to the exceptions it covers,
and revoking one exception at once. (Placeholder for the integration point only: filled in by the
threshold-policies work; `reviews.decide_review` calls `carry_out` for proposal reviews.)"""


def carry_out(*, review, actor) -> None:
    """Carry out an approved standardization or sunset proposal (publish / set end dates)."""
    raise NotImplementedError("standardization and sunset outcomes are not built yet")
