"""Pages of escalations, under /escalations/."""

from django.urls import path

from intimacy_ops.escalations import views, views_bulk

app_name = "escalations"

urlpatterns = [
    path("", views.escalation_list, name="list"),
    path("bulk-acknowledge/", views_bulk.bulk_acknowledge, name="bulk-acknowledge"),
    path("export.csv", views.escalation_list_csv, name="list-csv"),
    path("<int:pk>/acknowledge/", views.escalation_acknowledge, name="acknowledge"),
    path("<int:pk>/resolve/", views.escalation_resolve, name="resolve"),
]
