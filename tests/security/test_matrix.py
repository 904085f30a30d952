"""The authorization matrix (issue 12, item 2): every route of the URL router — each API resource and action,
each page — for every demo role, on objects that are theirs, of their region and of another region, with
every method, answers what tests/security/expectations.py (written from DESIGN.md) says.

A route without a row fails the matrix, so a new endpoint is covered the day it is written.
"""

import copy
import json
import logging
import time

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode
from rest_framework.test import APIClient

from intimacy_ops import dashboard
from tests.security.bodies import BODIES
from tests.security.expectations import NOT_WALKED, OK, ROLES, ROUTES
from tests.security.world import GROUPS, KINDS, build_world

# What counts as "let through the door": a success, a redirect after a page's POST, input refused on its
# merits (400: a route without a body in tests/security/bodies.py, or a step the data does not allow), or a
# state that does not allow the act now (409).
PASSED = {
    "GET": {200, 302},
    "write": {200, 201, 204, 302, 400, 409},
}
FORM = "application/x-www-form-urlencoded"
ONCE_PER_ROLE = ("single",)  # a route without an object is asked once per role and method
OBJECTS_WITHOUT_REGION = {"segment", "sla-policy"}  # reference data: one object, known to everyone


def walk(urlconf=None):
    """Every named route once: (key, route pattern, callback). A key is the reverse() name with its namespace."""
    seen = {}

    def visit(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from visit(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                key = namespace + (pattern.name or str(pattern.pattern))
                yield key, prefix + str(pattern.pattern), pattern

    for key, route, pattern in visit(get_resolver(urlconf).url_patterns, "", ""):
        if key.split(":")[0] in NOT_WALKED or key in seen:
            continue  # a format-suffix twin (`.json`) shares its route's name and answers alike
        seen[key] = (route, pattern)
    return seen


def unlisted_routes(urlconf=None) -> list[str]:
    """The routes with no row in the expectation table: each one fails the matrix."""
    return sorted(key for key in walk(urlconf) if key not in ROUTES)


def methods_of(key: str, pattern: URLPattern) -> tuple[list[str], list[str]]:
    """(methods the route accepts, methods it refuses that we also try)."""
    actions = getattr(pattern.callback, "actions", None)
    if actions:  # a DRF viewset route: its actions' methods the viewset lets in; DELETE is nowhere
        view_class = pattern.callback.cls
        # DRF adds "head" to a route's actions in place the first time any test GETs it: HEAD is GET's twin,
        # so the walk is the same whatever ran before it.
        mapped = sorted(method.upper() for method in actions if method != "head")
        accepted = [method for method in mapped if method.lower() in view_class.http_method_names]
        refused = [method for method in mapped if method not in accepted]
        return accepted, refused + ([] if "DELETE" in mapped else ["DELETE"])
    row = ROUTES[key]
    if row.methods:  # a page: the methods its row says it accepts; the other of GET/POST must be 405
        accepted = row.methods.split()
        return accepted, [method for method in ("GET", "POST") if method not in accepted]
    if key == "api-token":
        return ["POST"], ["GET"]
    return ["GET"], ["DELETE"] if key.startswith("api-") else []


def kinds_for(key: str, row, route: str) -> tuple[str, ...]:
    if row.obj in OBJECTS_WITHOUT_REGION:
        return ("own",)
    if row.obj:
        return KINDS
    if "<slug:role>" in route or "<str:token>" in route:
        return ("own", "other")
    return ONCE_PER_ROLE


def path_for(key: str, pattern: URLPattern, row, world, role: str, kind: str) -> str:
    names = set(pattern.pattern.regex.groupindex) - {"format"}
    kwargs = {}
    for name in names:
        if name == "pk":
            kwargs[name] = world.obj(row.obj, kind, role).pk
        elif name == "role":  # their own role's home page, or another role's
            other = "auditor" if role != "auditor" else "am"
            kwargs[name] = GROUPS[role if kind == "own" else other].slug
        elif name == "token":
            kwargs[name] = world.obj("calendar-feed", kind, role).token
        elif name == "name":
            kwargs[name] = "heartbeat"
        elif name == "segment_id":
            kwargs[name] = world.obj("segment", "own", role).pk
        elif name == "priority":
            kwargs[name] = "P3"
        elif name == "review_id":
            kwargs[name] = world.obj("review", kind, role).pk
        elif name == "key":  # a dashboard panel: the first one registered
            kwargs[name] = dashboard.panels()[0].key
        elif name in ("extension_pk", "extension_id"):
            kwargs[name] = world.obj("extension", kind, role).pk
        else:
            raise AssertionError(f"{key}: the matrix does not know how to fill the path parameter {name!r}")
    return reverse(key, kwargs=kwargs)


class _Undo(Exception):
    """Raised to roll every request back: each one sees the same world, whatever the one before it did."""


def ask(client: APIClient, method: str, path: str, body: dict | None) -> int:
    cookies = copy.deepcopy(client.cookies)  # signing out (or in) must not change who asks next
    body = body or {}
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(path, body)
            elif path.startswith("/api/"):
                response = client.generic(method, path, json.dumps(body), content_type="application/json")
            else:
                response = client.generic(method, path, urlencode(body), content_type=FORM)
            status = response.status_code
            raise _Undo
    except _Undo:
        client.cookies = cookies
        return status


def matches(expected, got: int, method: str) -> bool:
    if expected == OK:
        return got in (PASSED["GET"] if method == "GET" else PASSED["write"])
    return got == expected


def format_table(rows: list[tuple]) -> str:
    header = ("route", "method", "role", "object", "expected", "got")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    return "\n".join(lines)


def test_every_route_has_a_row_in_the_expectation_table():
    assert unlisted_routes() == [], "routes with no row in tests/security/expectations.py"


def test_a_route_without_a_row_is_named_by_the_coverage_check():
    with override_settings(ROOT_URLCONF="tests.security.urls_with_unlisted_route"):
        assert unlisted_routes() == ["matrix-unlisted"]


@pytest.fixture
def quiet_request_log():
    """Thousands of expected 403/404/405 warnings (and denial records) would bury the one table that matters."""
    loggers = [logging.getLogger(name) for name in ("django.request", "intimacy_ops.access")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def test_every_role_gets_what_design_md_says_on_every_route(db, quiet_request_log):
    world = build_world()
    clients = {}
    for role in ROLES:
        client = APIClient(raise_request_exception=False)
        client.force_login(world.users[role])
        clients[role] = client
    routes = walk()
    assert not unlisted_routes(), "every route needs a row first"
    mismatches, asked = [], 0
    started = time.monotonic()
    for key, (route, pattern) in sorted(routes.items()):
        row = ROUTES[key]
        accepted, refused = methods_of(key, pattern)
        for role in ROLES:
            kinds = kinds_for(key, row, route)
            for kind in kinds:
                path = path_for(key, pattern, row, world, role, kind)
                # A refused method is refused whatever the object: asked on the first kind only.
                methods = accepted + (refused if kind == kinds[0] else [])
                for method in methods:
                    expected = row.expect(role, kind, method, refused=method in refused)
                    body = BODIES[key](world, role, kind) if key in BODIES else None
                    got = ask(clients[role], method, path, body)
                    asked += 1
                    if not matches(expected, got, method):
                        about = f"{row.obj or 'param'}/{kind}" if kind != "single" else "-"
                        mismatches.append((key, method, role, about, expected, got))
    took = time.monotonic() - started
    print(f"authorization matrix: {asked} requests in {took:.1f} s, {len(mismatches)} unexpected")
    assert asked >= 1000
    if mismatches:
        pytest.fail(
            f"{len(mismatches)} of {asked} answers differ from the table:\n" + format_table(mismatches)
        )
