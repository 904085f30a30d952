from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from intimacy_ops import views, views_checks, views_health
from intimacy_ops.accounts import api as accounts_api
from intimacy_ops.accounts import views as accounts_views
from intimacy_ops.dashboard import api as dashboard_api
from intimacy_ops.escalations import api as escalations_api
from intimacy_ops.notifications import views as notification_views
from privacy import api as privacy_api

admin.site.site_header = "Intimacy Ops administration"
admin.site.site_title = "Intimacy Ops admin"

# Built here, not at module level elsewhere, so a re-import of this module starts from an empty router.
router = DefaultRouter()
accounts_api.register(router)
escalations_api.register(router)

business_urls = []
for app in settings.BUSINESS_APPS:
    # Each business app contributes API resources (`api.register(router)`) and pages (`urls.py`).
    if find_spec(f"{app}.api"):
        import_module(f"{app}.api").register(router)
    if find_spec(f"{app}.urls"):
        business_urls.append(path(f"{app}/", include(f"{app}.urls")))
    if find_spec(f"{app}.urls_root"):  # routes at the site's root (a customer link's page: /c/<token>/)
        business_urls.append(path("", include(f"{app}.urls_root")))
# Privacy's resources (access log, grants, break-glass, each declared subject's export) after the apps',
# so a subject's `<prefix>/{id}/subject-export/` sits beside the app's own resource of that prefix.
privacy_api.register(router)

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("home/<slug:role>/", accounts_views.role_home, name="role-home"),
    path("accounts/", include("intimacy_ops.accounts.urls")),
    path("audit/", views.audit_trail, name="audit-trail"),
    path("audit/export.csv", views.audit_trail_csv, name="audit-trail-csv"),
    path("audit/verify/", views.audit_verify, name="audit-verify"),
    path("audit/verify/download/", views.audit_verify_download, name="audit-verify-download"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/read/", notification_views.mark_all_read, name="notifications-read"),
    path("notifications/<int:pk>/open/", notification_views.open_notification, name="notification-open"),
    path("notifications/settings/", notification_views.preferences, name="notification-settings"),
    path("escalations/", include("intimacy_ops.escalations.urls")),
    path("conversation/", include("intimacy_ops.conversation.urls")),
    path("views/", include("intimacy_ops.saved_views.urls")),
    path("healthz", views_health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says (issue 18, defect 10: a 404 on every first load).
    path("favicon.ico", views.favicon, name="favicon"),
    path("checks/", views_checks.check_list, name="checks"),
    path("checks/<str:name>/", views_checks.check_history, name="check-history"),
    path("checks/<str:name>/row/", views_checks.check_row, name="check-row"),
    path("checks/<str:name>/run/", views_checks.check_run_now, name="check-run"),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", accounts_api.ObtainTokenView.as_view(), name="api-token"),
    path("dashboard/", include("intimacy_ops.dashboard.urls")),
    path("search/", include("intimacy_ops.search.urls")),
    path("api/v1/dashboard/summary/", dashboard_api.SummaryView.as_view(), name="api-dashboard-summary"),
    path("api/v1/dashboard/<slug:key>/", dashboard_api.PanelView.as_view(), name="api-dashboard-panel"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Privacy's pages keep the paths they had when privacy lived in segments (CONTRACT.md, README).
    path("segments/", include("privacy.urls")),
    *business_urls,
]

handler403 = "intimacy_ops.views.permission_denied"
handler404 = "intimacy_ops.views.page_not_found"
handler500 = "intimacy_ops.views.server_error"
