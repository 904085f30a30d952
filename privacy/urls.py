"""Pages of the privacy part, namespace `privacy`. They keep the paths CONTRACT.md and the README list
(they were born inside a business app): intimacy_ops/urls.py says where they are mounted."""

from django.urls import path

from privacy import views
from privacy.retention import views as retention_views

app_name = "privacy"

urlpatterns = [
    path("privacy/access-log/", views.access_log, name="access-log"),
    path("privacy/grants/", views.grants, name="grants"),
    path("privacy/grants/<int:pk>/revoke/", views.revoke, name="grant-revoke"),
    path("privacy/break-glass/", views.break_glass_list, name="break-glass"),
    path("privacy/break-glass/<int:pk>/review/", views.break_glass_review, name="break-glass-review"),
    path("retention/", retention_views.retention_page, name="retention"),
]
