"""Saved views of the work lists, under /views/."""

from django.urls import path

from intimacy_ops.saved_views import views

app_name = "saved_views"

urlpatterns = [
    path("save/", views.save_view, name="save"),
    path("<int:pk>/delete/", views.delete_view, name="delete"),
]
