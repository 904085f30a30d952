"""Pages of the exceptions app, under /exceptions/ (intimacy_ops/urls.py includes every business app's urls)."""

from django.urls import path

from exceptions.views import detail, discard, ledger, lists, processes, requests, thresholds, waiting

app_name = "exceptions"

urlpatterns = [
    path("", lists.request_list, name="list"),
    path("export.csv", lists.request_list_csv, name="list-csv"),
    path("waiting/", waiting.waiting_list, name="waiting"),
    path("waiting/bulk/", waiting.waiting_bulk, name="waiting-bulk"),
    path("new/", requests.request_new, name="new"),
    path("autosave/", requests.request_autosave, name="autosave"),
    path("similar/", requests.similar_panel, name="similar"),
    path("<int:pk>/", detail.request_detail, name="detail"),
    path("<int:pk>/edit/", requests.request_edit, name="edit"),
    path("<int:pk>/review/", requests.request_review, name="review"),
    path("<int:pk>/submit/", requests.request_submit, name="submit"),
    path("<int:pk>/decide/", requests.request_decide, name="decide"),
    path("<int:pk>/withdraw/", requests.request_withdraw, name="withdraw"),
    path("<int:pk>/discard/", discard.request_discard, name="discard"),
    path("<int:pk>/costs/", ledger.cost_add, name="cost-add"),
    path("<int:pk>/extensions/", ledger.extension_request, name="extension-request"),
    path(
        "<int:pk>/extensions/<int:extension_pk>/decide/",
        ledger.extension_decide,
        name="extension-decide",
    ),
    path("processes/", processes.process_list, name="process-list"),
    path("processes/<int:pk>/", processes.process_detail, name="process-detail"),
    path("processes/<int:pk>/edit/", processes.process_edit, name="process-edit"),
    path("processes/<int:pk>/publish/", processes.process_publish, name="process-publish"),
    path("thresholds/", thresholds.threshold_list, name="thresholds"),
    path("thresholds/<int:pk>/edit/", thresholds.threshold_edit, name="threshold-edit"),
]
