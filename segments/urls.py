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

# --- Exports and privacy (segments/views_export.py): customer list CSV, consent, data subject export ----
from segments import views_export  # noqa: E402

urlpatterns += [
    path("customers/export.csv", views_export.customer_export_csv, name="customer-export-csv"),
    path("customers/<int:pk>/consent/", views_export.customer_consent, name="customer-consent"),
    path(
        "customers/<int:pk>/subject-export/",
        views_export.customer_subject_export,
        name="customer-subject-export",
    ),
]

# --- Sensitive data beyond the role (segments/privacy_views.py): access log, grants, break-glass ------
from segments import privacy_views  # noqa: E402

urlpatterns += [
    path("customers/<int:pk>/break-glass/", privacy_views.customer_break_glass, name="customer-break-glass"),
    path("privacy/access-log/", privacy_views.access_log, name="privacy-access-log"),
    path("privacy/grants/", privacy_views.grants, name="privacy-grants"),
    path("privacy/grants/<int:pk>/revoke/", privacy_views.revoke, name="privacy-grant-revoke"),
    path("privacy/break-glass/", privacy_views.break_glass_list, name="privacy-break-glass"),
    path(
        "privacy/break-glass/<int:pk>/review/",
        privacy_views.break_glass_review,
        name="privacy-break-glass-review",
    ),
]

# --- Retention (segments/retention/views.py): the policies and their dry run, for data stewards -------
from segments.retention import views as retention_views  # noqa: E402

urlpatterns += [path("retention/", retention_views.retention_page, name="retention")]
