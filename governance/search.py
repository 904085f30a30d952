"""What governance gives the top bar's search (intimacy_ops/search): reviews by their headline (a proposal's
title, or the title of the request under review) or their number (`#12`, as the review page numbers it)."""

from governance.models import Review
from intimacy_ops import search


def _review(review: Review) -> search.Hit:
    return search.Hit(
        title=review.headline,
        url=review.get_absolute_url(),
        meta=f"review #{review.pk} · {review.get_kind_display()} · {review.get_status_display()} · {review.board.name}",
    )


search.register(
    search.Kind(
        key="reviews",
        label="Reviews",
        model=Review,
        fields=("title", "exception__title"),
        by_number=True,
        hit=_review,
        order=30,
        hint="by title, the request's title, or number (#12)",
        prepare=lambda rows: rows.select_related("exception", "board").order_by("-opened_at", "-pk"),
    )
)
