"""Pages of governance, under /governance/ (intimacy_ops/urls.py includes every business app's urls)."""

from django.urls import path  # noqa: F401

from governance.views import meetings, policies, reviews  # noqa: F401

app_name = "governance"

urlpatterns = [
    # Reviews: the member's queue, a review with its votes, the chair's decision, the decision history.
    # -- end of reviews --
    # Meetings, agendas, minutes, iCalendar exports and calendar feeds.
    # -- end of meetings --
    # Threshold policies and proposals.
    path("policies/", policies.policy_list, name="policies"),
    path("policies/new/", policies.policy_new, name="policy-new"),
    path("policies/evaluate/", policies.policy_evaluate, name="policy-evaluate"),
    path("policies/<int:pk>/edit/", policies.policy_edit, name="policy-edit"),
    path("policies/<int:pk>/deactivate/", policies.policy_deactivate, name="policy-deactivate"),
    path("policies/proposals/<int:pk>/", policies.proposal_detail, name="proposal"),
    # -- end of policies --
]
