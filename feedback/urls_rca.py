"""The RCA pages, under /feedback/rcas/ (included by feedback/urls.py, in the `feedback` namespace)."""

from django.urls import path

from feedback.views import rca

urlpatterns = [
    path("", rca.rca_board, name="rca-board"),
    path("<int:pk>/", rca.rca_detail, name="rca"),
    path("<int:pk>/analysis/", rca.rca_analysis, name="rca-analysis"),
    path("<int:pk>/whys/", rca.rca_whys, name="rca-whys"),
    path("<int:pk>/actions/", rca.rca_actions, name="rca-actions"),
    path("<int:pk>/loop/", rca.rca_loop, name="rca-loop"),
    path("<int:pk>/step/", rca.rca_step, name="rca-step"),
]
