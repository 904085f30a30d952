"""Pages of the segments app, under /segments/ (intimacy_ops/urls.py includes every business app's urls)."""

from django.urls import path

from segments.retention import views as retention_views
from segments.views import cases, customers, export, imports, privacy, sla, tiers

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
    path("sla/", sla.sla_matrix, name="sla"),
    path("sla/<int:segment_id>/<str:priority>/", sla.sla_edit, name="sla-edit"),
    path("cases/", cases.case_list, name="case-list"),
]

# --- Imports (segments/imports.py): upload, runs, progress, rejected rows --------------------

urlpatterns += [
    path("imports/", imports.import_list, name="imports"),
    path("imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import-progress"),
    path("imports/<int:pk>/rejected.csv", imports.rejected_csv, name="import-rejected-csv"),
]

# --- Exports and privacy (segments/export.py): customer list CSV, consent, data subject export ----

urlpatterns += [
    path("customers/export.csv", export.customer_export_csv, name="customer-export-csv"),
    path("customers/<int:pk>/consent/", export.customer_consent, name="customer-consent"),
    path(
        "customers/<int:pk>/subject-export/",
        export.customer_subject_export,
        name="customer-subject-export",
    ),
]

# --- Sensitive data beyond the role (segments/privacy.py): access log, grants, break-glass ------

urlpatterns += [
    path("customers/<int:pk>/break-glass/", privacy.customer_break_glass, name="customer-break-glass"),
    path("privacy/access-log/", privacy.access_log, name="privacy-access-log"),
    path("privacy/grants/", privacy.grants, name="privacy-grants"),
    path("privacy/grants/<int:pk>/revoke/", privacy.revoke, name="privacy-grant-revoke"),
    path("privacy/break-glass/", privacy.break_glass_list, name="privacy-break-glass"),
    path(
        "privacy/break-glass/<int:pk>/review/",
        privacy.break_glass_review,
        name="privacy-break-glass-review",
    ),
]

# --- Retention (segments/retention/views.py): the policies and their dry run, for data stewards -------

urlpatterns += [path("retention/", retention_views.retention_page, name="retention")]
