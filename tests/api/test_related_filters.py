"""Every related-id filter of every list endpoint answers an id out of the user's scope, one that names nothing
and one out of the integer range alike: 400 naming the filter, same body (CONTRACT.md; issue 13, defects 4, 5).

The endpoints and their filters are read off the router and the filter backends, so a new filter is covered
the day it is written.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max

from intimacy_ops import access
from intimacy_ops.accounts.models import User
from intimacy_ops.filters import (
    ScopedFilterBackend,
    ScopedModelChoiceFilter,
    ScopedModelMultipleChoiceFilter,
)
from intimacy_ops.urls import router
from privacy import subjects
from privacy.filters import SubjectFilterBackend

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "intimacy-demo"  # CONTRACT.md
# Narrow scopes first: the first of them whom the list lets in asks the questions.
ASKERS = ("am.bob", "ops.oscar", "owner.olivia", "steward.sam", "audit.ada", "admin")
OUT_OF_RANGE = ("99999999999999999999", "-99999999999999999999")
# Named by the issue: each must really be asked with an id its asker may not see.
MUST_PROBE_OUT_OF_SCOPE = {
    ("exceptions", "customer"),
    ("access-grants", "customer"),
    ("break-glass", "customer"),
    ("reviews", "exception"),
    ("cases", "customer"),
}


def related_id_filters():
    """(prefix, parameter, related model, must exist) for every list endpoint of the API."""
    found = []
    for prefix, viewset, _basename in router.registry:
        if not hasattr(viewset, "list"):
            continue
        view = viewset()
        view.action, view.request, view.format_kwarg = "list", None, None
        for backend_class in getattr(viewset, "filter_backends", []):
            backend = backend_class()
            if isinstance(backend, ScopedFilterBackend):
                queryset = getattr(viewset, "queryset", None)
                filterset = backend.get_filterset_class(view, queryset)
                for name, declared in (filterset.base_filters if filterset else {}).items():
                    if isinstance(declared, ScopedModelChoiceFilter | ScopedModelMultipleChoiceFilter):
                        model = (
                            declared.related_model
                            or declared.model._meta.get_field(declared.field_name).related_model
                        )
                        found.append((prefix, name, model, True))
            elif isinstance(backend, SubjectFilterBackend):
                must_exist = getattr(viewset, "subject_filter_must_exist", False)
                found.extend((prefix, s.key, s.model, must_exist) for s in subjects.all())
    return found


def client_of(username, api_client_class):
    client = api_client_class()
    token = client.post(
        "/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}, format="json"
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return client


def answer(client, prefix, name, value):
    response = client.get(f"/api/v1/{prefix}/", {name: value})
    return response.status_code, response.json()


def test_every_related_id_filter_answers_out_of_scope_as_nonexistent_and_out_of_range():
    from rest_framework.test import APIClient

    call_command("seed_demo", stdout=StringIO())
    clients = {}
    checked, probed_out_of_scope = [], set()
    filters = related_id_filters()
    assert {(prefix, name) for prefix, name, _m, _e in filters} >= MUST_PROBE_OUT_OF_SCOPE

    for prefix, name, model, must_exist in filters:
        for username in ASKERS:
            if username not in clients:
                clients[username] = client_of(username, APIClient)
            client = clients[username]
            if client.get(f"/api/v1/{prefix}/").status_code == 200:
                break
        else:
            pytest.fail(f"/api/v1/{prefix}/ lets none of {ASKERS} list it")
        asker = User.objects.get(username=username)
        nonexistent = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1000
        expected = answer(client, prefix, name, nonexistent)
        if must_exist:
            assert expected[0] == 400 and list(expected[1]) == [name], (prefix, name, expected)
        else:  # the access log filters rows by a subject that may be gone since: no rows, not an error
            assert expected[0] == 200 and expected[1]["count"] == 0, (prefix, name, expected)
        for value in OUT_OF_RANGE:
            assert answer(client, prefix, name, value) == expected, (prefix, name, value)
        hidden = (
            model._default_manager.exclude(pk__in=access.visible(asker, model).values("pk"))
            .order_by("pk")
            .first()
        )
        if hidden is not None:
            assert answer(client, prefix, name, hidden.pk) == expected, (prefix, name, username, hidden)
            probed_out_of_scope.add((prefix, name))
        checked.append((prefix, name, username))

    assert probed_out_of_scope >= MUST_PROBE_OUT_OF_SCOPE
    assert len(checked) >= 12, checked
