"""Pages of governance, under /governance/ (intimacy_ops/urls.py includes every business app's urls)."""

from django.urls import path

from governance.views import (  # noqa: F401
    boards,
    conditions,
    endings,
    lists,
    meetings,
    policies,
    proposals,
    reviews,
)

app_name = "governance"

urlpatterns = [
    # Reviews: the member's queue, a review with its votes, the chair's decision, the decision history.
    path("", lists.queue, name="queue"),
    path("export.csv", lists.review_list_csv, name="review-list-csv"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review"),
    path("reviews/<int:pk>/vote/", reviews.review_vote, name="review-vote"),
    path(
        "reviews/<int:pk>/declare-interest/", reviews.review_declare_interest, name="review-declare-interest"
    ),
    path("reviews/<int:pk>/decide/", reviews.review_decide, name="review-decide"),
    path("reviews/<int:pk>/co-opt/", reviews.review_co_opt, name="review-co-opt"),
    path("reviews/<int:pk>/impact/", reviews.review_impact, name="review-impact"),
    path("boards/<int:pk>/history/", reviews.board_history, name="board-history"),
    path("proposals/new/", proposals.proposal_new, name="proposal-new"),
    path("conditions/<int:pk>/met/", conditions.condition_met, name="condition-met"),
    path("exceptions/<int:pk>/sunset/", endings.exception_sunset, name="exception-sunset"),
    path("exceptions/<int:pk>/revoke/", endings.exception_revoke, name="exception-revoke"),
    # The boards themselves: members, chair, scope, quorum, rule, review days (administrators edit).
    path("boards/", boards.board_list, name="boards"),
    path("boards/new/", boards.board_new, name="board-new"),
    path("boards/<int:pk>/edit/", boards.board_edit, name="board-edit"),
    # -- end of reviews --
    # Meetings, agendas, minutes, iCalendar exports and calendar feeds.
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>.ics", meetings.meeting_ics, name="meeting-ics"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/agenda/", meetings.agenda_add, name="meeting-agenda-add"),
    path(
        "meetings/<int:pk>/agenda/<int:review_id>/remove/",
        meetings.agenda_remove,
        name="meeting-agenda-remove",
    ),
    path("meetings/<int:pk>/agenda/<int:review_id>/move/", meetings.agenda_move, name="meeting-agenda-move"),
    path("meetings/<int:pk>/attendance/", meetings.meeting_attendance, name="meeting-attendance"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting-minutes"),
    path("calendar/", meetings.calendar_page, name="calendar"),
    path("calendar/reset/", meetings.calendar_reset, name="calendar-reset"),
    path("calendar/<str:token>.ics", meetings.calendar_feed, name="calendar-feed"),
    # -- end of meetings --
    # Threshold policies and proposals.
    path("policies/", policies.policy_list, name="policies"),
    path("policies/new/", policies.policy_new, name="policy-new"),
    path("policies/evaluate/", policies.policy_evaluate, name="policy-evaluate"),
    path("policies/<int:pk>/edit/", policies.policy_edit, name="policy-edit"),
    path("policies/<int:pk>/deactivate/", policies.policy_deactivate, name="policy-deactivate"),
    path("policies/proposals/<int:pk>/", policies.proposal_detail, name="proposal"),
    # -- end of policies --
]
