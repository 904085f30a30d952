"""Routes of key accounts at the site's root: the page a customer link opens, without signing in."""

from django.urls import path

from keyaccounts.views import links

urlpatterns = [path("c/<str:token>/", links.customer_link_page, name="customer-link")]
