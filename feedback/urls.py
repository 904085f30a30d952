"""Pages of the feedback app, under /feedback/ (the RCA pages under /feedback/rcas/: feedback/urls_rca.py)."""

from django.urls import include, path

from feedback.views import inbox, queue, surveys

app_name = "feedback"

urlpatterns = [
    path("", inbox.feedback_list, name="list"),
    path("export.csv", inbox.feedback_list_csv, name="list-csv"),
    path("confirm/", queue.confirm_queue, name="queue"),
    path("<int:pk>/confirm/", queue.confirm_item, name="confirm"),
    path("customers/<int:pk>/insight/", queue.log_insight, name="log-insight"),
    path("customers/<int:pk>/surveys/", surveys.schedule, name="survey-schedule"),
    path("surveys/<int:pk>/cancel/", surveys.cancel, name="survey-cancel"),
    path("rcas/", include("feedback.urls_rca")),
]
