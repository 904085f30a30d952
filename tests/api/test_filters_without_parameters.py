"""A list asked without any of its filters' parameters is not filtered: `ScopedFilterBackend` then skips building
the filterset (its form, every related filter's scope: ~2 ms a request). That holds only while no filterset acts
on its own when none of its parameters is given; this checks it for every list of the API, read off the router."""

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.settings import api_settings

from intimacy_ops.accounts.roles import Role
from intimacy_ops.filters import ScopedFilterBackend
from intimacy_ops.urls import router
from tests.factories import user_with

pytestmark = pytest.mark.django_db


def filtered_lists():
    for prefix, viewset, _basename in router.registry:
        if not hasattr(viewset, "list"):
            continue
        for backend_class in getattr(viewset, "filter_backends", api_settings.DEFAULT_FILTER_BACKENDS):
            if isinstance(backend_class, type) and issubclass(backend_class, ScopedFilterBackend):
                yield prefix, viewset, backend_class()


def test_every_api_filterset_leaves_its_list_as_it_was_without_its_parameters():
    admin = user_with(Role.ADMINISTRATOR, regions=["EMEA"], username="filters.admin")
    checked = []
    for prefix, viewset, backend in filtered_lists():
        view = viewset()
        view.action, view.format_kwarg, view.kwargs = "list", None, {}
        raw = RequestFactory().get(f"/api/v1/{prefix}/?page_size=25&page=1&ordering=id&search=x")
        raw.user = admin
        view.request = Request(raw)
        view.request.user = admin
        queryset = viewset.queryset.all() if viewset.queryset is not None else None
        filterset_class = backend.get_filterset_class(view, queryset)
        if filterset_class is None or queryset is None:
            continue
        filterset = filterset_class(data=QueryDict(""), queryset=queryset, request=view.request)
        assert filterset.is_valid(), (prefix, filterset.errors)
        assert str(filterset.qs.query) == str(queryset.query), prefix
        # and the backend leaves it alone when the query holds none of the set's parameters
        assert backend.filter_queryset(view.request, queryset, view) is queryset, prefix
        checked.append(prefix)
    assert {"customers", "exceptions", "access-log", "cases"} <= set(checked)


def test_a_parameter_of_the_set_still_filters(db):
    admin = user_with(Role.ADMINISTRATOR, regions=["EMEA"], username="filters.admin")
    viewset = dict((prefix, viewset) for prefix, viewset, _ in router.registry)["exceptions"]
    view = viewset()
    view.action, view.format_kwarg, view.kwargs = "list", None, {}
    for query, filtered in (
        ("status=draft", True),
        ("created_after=2026-01-01", True),
        ("page_size=5", False),
    ):
        raw = RequestFactory().get(f"/api/v1/exceptions/?{query}")
        raw.user = admin
        view.request = Request(raw)
        view.request.user = admin
        queryset = viewset.queryset.all()
        result = ScopedFilterBackend().filter_queryset(view.request, queryset, view)
        assert (str(result.query) != str(queryset.query)) is filtered, query
