from django.urls import path

from intimacy_ops.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.page, name="page"),
    path("panels/<slug:key>/", views.panel_partial, name="panel"),
    path("<slug:key>.csv", views.panel_csv, name="csv"),
]
