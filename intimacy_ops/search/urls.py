from django.urls import path

from intimacy_ops.search import views

app_name = "search"

urlpatterns = [path("", views.results, name="results")]
