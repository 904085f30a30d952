"""Pages of key accounts under /keyaccounts/ (the customer's own view is at the root: keyaccounts/urls_root.py)."""

from django.urls import path

from keyaccounts.health import views as reviews
from keyaccounts.playbooks import views as playbooks
from keyaccounts.views import health, links

app_name = "keyaccounts"

urlpatterns = [
    path("customers/<int:pk>/links/", links.issue_link, name="link-issue"),
    path("links/<int:pk>/revoke/", links.revoke_link, name="link-revoke"),
    path("health/", health.health_list, name="health-list"),
    path("health/weights/", health.health_weights, name="health-weights"),
    path("playbooks/", playbooks.playbook_list, name="playbooks"),
    path("playbooks/<int:segment_id>/edit/", playbooks.playbook_edit, name="playbook-edit"),
    path("plays/<int:pk>/close/", playbooks.play_close, name="play-close"),
    path("health-reviews/", reviews.review_list, name="health-reviews"),
    path("health-reviews/cadence/", reviews.cadence_page, name="health-cadence"),
    path("health-reviews/<int:pk>/", reviews.review_detail, name="health-review"),
    path("health-reviews/<int:pk>/complete/", reviews.review_complete, name="health-review-complete"),
    path("health-reviews/<int:pk>/cancel/", reviews.review_cancel, name="health-review-cancel"),
]
