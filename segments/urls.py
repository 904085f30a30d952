"""Pages of the segments app, under /segments/ (intimacy_ops/urls.py includes every business app's urls)."""

from django.urls import path

from segments.views import case_detail, cases, customer_privacy, customers, export, imports, sla, tiers

app_name = "segments"

urlpatterns = [
    # Customers, tiers, SLA policies and service cases.
    path("customers/", customers.customer_list, name="customer-list"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer-detail"),
    path("customers/<int:pk>/lock/", customers.customer_lock, name="customer-lock"),
    path("customers/<int:pk>/unlock/", customers.customer_unlock, name="customer-unlock"),
    path("tiers/", tiers.tier_list, name="tiers"),
    path("tiers/preview/", tiers.tier_preview, name="tiers-preview"),
    path("tiers/apply/", tiers.tier_apply, name="tiers-apply"),
    path("tiers/changes/<int:pk>/revert/", tiers.tier_revert, name="tiers-revert"),
    path("sla/", sla.sla_matrix, name="sla"),
    path("sla/<int:segment_id>/<str:priority>/", sla.sla_edit, name="sla-edit"),
    path("cases/", cases.case_list, name="case-list"),
    path("cases/export.csv", cases.case_list_csv, name="case-list-csv"),
    path("cases/<int:pk>/", case_detail.case_detail, name="case-detail"),
    path("cases/<int:pk>/step/", case_detail.case_step, name="case-step"),
]

# --- Imports (segments/imports.py): upload, runs, progress, rejected rows --------------------

urlpatterns += [
    path("imports/", imports.import_list, name="imports"),
    path("imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import-progress"),
    path("imports/<int:pk>/rejected.csv", imports.rejected_csv, name="import-rejected-csv"),
]

# --- The customer list as CSV (segments/views/export.py) -------------------------------------------

urlpatterns += [path("customers/export.csv", export.customer_export_csv, name="customer-export-csv")]

# --- One customer's privacy (segments/views/customer_privacy.py, through the privacy part) -----------
# The privacy part's own pages (access log, grants, break-glass review, retention) keep their paths
# under /segments/ from privacy/urls.py, namespace "privacy".

urlpatterns += [
    path("customers/<int:pk>/consent/", customer_privacy.customer_consent, name="customer-consent"),
    path(
        "customers/<int:pk>/subject-export/",
        customer_privacy.customer_subject_export,
        name="customer-subject-export",
    ),
    path(
        "customers/<int:pk>/break-glass/",
        customer_privacy.customer_break_glass,
        name="customer-break-glass",
    ),
]
