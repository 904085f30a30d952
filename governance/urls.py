"""Pages of governance, under /governance/ (intimacy_ops/urls.py includes every business app's urls)."""

from django.urls import path

from governance.views import meetings, policies, reviews  # noqa: F401

app_name = "governance"

urlpatterns = [
    # Reviews: the member's queue, a review with its votes, the chair's decision, the decision history.
    path("", reviews.queue, name="queue"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review"),
    path("reviews/<int:pk>/vote/", reviews.review_vote, name="review-vote"),
    path(
        "reviews/<int:pk>/declare-interest/", reviews.review_declare_interest, name="review-declare-interest"
    ),
    path("reviews/<int:pk>/decide/", reviews.review_decide, name="review-decide"),
    path("reviews/<int:pk>/co-opt/", reviews.review_co_opt, name="review-co-opt"),
    path("reviews/<int:pk>/impact/", reviews.review_impact, name="review-impact"),
    path("boards/<int:pk>/history/", reviews.board_history, name="board-history"),
    # -- end of reviews --
    # Meetings, agendas, minutes, iCalendar exports and calendar feeds.
    # -- end of meetings --
    # Threshold policies and proposals.
    # -- end of policies --
]
