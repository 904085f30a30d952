"""Pages of key accounts under /keyaccounts/ (the customer's own view is at the root: keyaccounts/urls_root.py)."""

from django.urls import path

from keyaccounts.health import views as health
from keyaccounts.views import links

app_name = "keyaccounts"

urlpatterns = [
    path("customers/<int:pk>/links/", links.issue_link, name="link-issue"),
    path("links/<int:pk>/revoke/", links.revoke_link, name="link-revoke"),
    path("health-reviews/", health.review_list, name="health-reviews"),
    path("health-reviews/cadence/", health.cadence_page, name="health-cadence"),
    path("health-reviews/<int:pk>/", health.review_detail, name="health-review"),
    path("health-reviews/<int:pk>/complete/", health.review_complete, name="health-review-complete"),
    path("health-reviews/<int:pk>/cancel/", health.review_cancel, name="health-review-cancel"),
]
