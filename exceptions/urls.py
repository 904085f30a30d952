"""Pages of the exceptions app, under /exceptions/ (intimacy_ops/urls.py includes every business app's urls)."""

from django.urls import path

from exceptions import views, views_ledger

app_name = "exceptions"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("waiting/", views.waiting_list, name="waiting"),
    path("new/", views.request_new, name="new"),
    path("autosave/", views.request_autosave, name="autosave"),
    path("similar/", views.similar_panel, name="similar"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    path("<int:pk>/review/", views.request_review, name="review"),
    path("<int:pk>/submit/", views.request_submit, name="submit"),
    path("<int:pk>/decide/", views.request_decide, name="decide"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
    path("<int:pk>/costs/", views_ledger.cost_add, name="cost-add"),
    path("<int:pk>/extensions/", views_ledger.extension_request, name="extension-request"),
    path(
        "<int:pk>/extensions/<int:extension_pk>/decide/",
        views_ledger.extension_decide,
        name="extension-decide",
    ),
    path("processes/", views.process_list, name="process-list"),
    path("processes/<int:pk>/", views.process_detail, name="process-detail"),
    path("processes/<int:pk>/edit/", views_ledger.process_edit, name="process-edit"),
    path("processes/<int:pk>/publish/", views_ledger.process_publish, name="process-publish"),
]
