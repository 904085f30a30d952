"""The incident pages, under /incidents/ (namespace `incidents`)."""

from django.urls import path

from incidents.views import incidents, messages, post_mortem

app_name = "incidents"

urlpatterns = [
    path("", incidents.incident_list, name="list"),
    path("new/", incidents.declare, name="declare"),
    path("<int:pk>/", incidents.incident_detail, name="detail"),
    path("<int:pk>/step/", incidents.incident_step, name="step"),
    path("<int:pk>/updates/", incidents.incident_update, name="update"),
    path("<int:pk>/customers/", incidents.incident_customers, name="customers"),
    path("<int:pk>/post-mortem/", post_mortem.post_mortem, name="post-mortem"),
    path("<int:pk>/contact/", messages.contact, name="contact"),
    path("<int:pk>/contact/send/", messages.contact_send, name="contact-send"),
    path("<int:pk>/contact/goodwill/", messages.contact_goodwill, name="contact-goodwill"),
    path("templates/", messages.templates, name="templates"),
    path("templates/edit/", messages.template_edit, name="template-edit"),
]
