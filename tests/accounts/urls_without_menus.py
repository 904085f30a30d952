"""A URL conf with the home page alone (tests/accounts/test_menus_and_icon.py: the menu under another URL conf)."""

from django.urls import path

from intimacy_ops.accounts.views import home

urlpatterns = [path("", home, name="home")]
