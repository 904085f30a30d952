"""Pages of the segments app, under /segments/ (intimacy_ops/urls.py includes every business app's urls)."""

from django.urls import path

from segments import views

app_name = "segments"

urlpatterns = [
    # Customers, tiers, SLA policies and service cases.
    path("customers/", views.customer_list, name="customer-list"),
    path("customers/<int:pk>/", views.customer_detail, name="customer-detail"),
    path("customers/<int:pk>/lock/", views.customer_lock, name="customer-lock"),
    path("customers/<int:pk>/unlock/", views.customer_unlock, name="customer-unlock"),
    path("tiers/", views.tier_list, name="tiers"),
    path("tiers/preview/", views.tier_preview, name="tiers-preview"),
    path("tiers/apply/", views.tier_apply, name="tiers-apply"),
    path("sla/", views.sla_matrix, name="sla"),
    path("sla/<int:segment_id>/<str:priority>/", views.sla_edit, name="sla-edit"),
    path("cases/", views.case_list, name="case-list"),
]

# --- Imports (segments/views_import.py): upload, runs, progress, rejected rows --------------------
from segments import views_import  # noqa: E402

urlpatterns += [
    path("imports/", views_import.import_list, name="imports"),
    path("imports/<int:pk>/", views_import.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress/", views_import.import_progress, name="import-progress"),
    path("imports/<int:pk>/rejected.csv", views_import.rejected_csv, name="import-rejected-csv"),
]
