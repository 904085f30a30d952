"""Security headers (issue 13, defect 8 and build item 4): every page every role can open answers with the
Content-Security-Policy and the Permissions-Policy, and its HTML carries no inline code the policy would
refuse — no `<script>` without `src` (JSON data blocks aside), no `on…=` handler, no `hx-on`, no
`javascript:` address. The pages are the URL router's own routes, walked as the authorization matrix walks
them, for every role and every kind of object; the Django admin, the API's browsable pages and the sign-in
page are asked too."""

from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client

from tests.security.expectations import ROLES, ROUTES
from tests.security.test_matrix import kinds_for, methods_of, path_for, quiet_request_log, walk  # noqa: F401
from tests.security.world import build_world

UNUSED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")
HTML = "text/html"

pytestmark = pytest.mark.usefixtures("quiet_request_log")


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


class InlineCode(HTMLParser):
    """Collects what a strict script-src refuses: inline scripts, event-handler attributes, javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            handler = name.startswith(("on", "hx-on", "data-hx-on")) or name in ("hx-vars", "data-hx-vars")
            if handler or value.strip().lower().startswith(("javascript:", "js:")):
                self.found.append(f"<{tag} {name}={value[:60]!r}>")
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.found.append(f"inline <script {values}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def problems_of(response, path: str) -> list[str]:
    problems = []
    policy = directives(response.headers.get("Content-Security-Policy", ""))
    if not policy:
        problems.append(f"{path}: no Content-Security-Policy header")
    else:
        if policy.get("script-src") != ["'self'"]:
            problems.append(f"{path}: script-src is {policy.get('script-src')}")
        for name, value in {
            "object-src": ["'none'"],
            "frame-ancestors": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
        }.items():
            if policy.get(name) != value:
                problems.append(f"{path}: {name} is {policy.get(name)}")
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in UNUSED_FEATURES:
        if f"{feature}=()" not in permissions:
            problems.append(f"{path}: Permissions-Policy does not deny {feature} ({permissions!r})")
    if response.headers.get("Content-Type", "").startswith(HTML):
        problems += [f"{path}: {found}" for found in inline_code(response.content.decode())]
    return problems


class _Undo(Exception):
    pass


def fetch(client: Client, path: str):
    """GET as a browser would (HTML preferred), rolled back so each page sees the same world."""
    try:
        with transaction.atomic():
            response = client.get(path, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
            raise _Undo
    except _Undo:
        return response


def test_the_inline_code_finder_sees_what_the_policy_refuses():
    html = (
        '<script src="/static/a.js"></script><script type="application/json" id="d">{}</script>'
        '<a href="/x" data-onclick="no">fine</a>'
    )
    assert inline_code(html) == []
    assert len(inline_code("<script>alert(1)</script>")) == 1
    assert len(inline_code('<input onfocus="this.select()">')) == 1
    assert len(inline_code('<button hx-on:click="go()">')) == 1
    assert len(inline_code('<a href=" JavaScript:go()">')) == 1


def test_every_page_of_every_role_has_the_policies_and_no_inline_code(db):
    world = build_world()
    clients = {}
    for role in ROLES:
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(world.users[role])
    problems, asked, html_pages = [], 0, 0
    for key, (route, pattern) in sorted(walk().items()):
        accepted, _ = methods_of(key, pattern)
        if "GET" not in accepted:
            continue
        row = ROUTES[key]
        for role in ROLES:
            kinds = kinds_for(key, row, route)
            # An API route is asked for its browsable page once per role; a page for every kind of object.
            for kind in kinds[:1] if key.startswith("api-") else kinds:
                path = path_for(key, pattern, row, world, role, kind)
                response = fetch(clients[role], path)
                asked += 1
                html_pages += response.headers.get("Content-Type", "").startswith(HTML)
                problems += [f"{role}/{kind} {problem}" for problem in problems_of(response, path)]

    admin = clients["admin"]
    customer = world.obj("customer", "own", "admin")
    for path in (
        "/admin/",
        "/admin/segments/customer/",
        f"/admin/segments/customer/{customer.pk}/change/",
        "/admin/accounts/user/add/",
    ):
        response = fetch(admin, path)
        assert response.status_code == 200, path
        asked += 1
        html_pages += 1
        problems += [f"admin {problem}" for problem in problems_of(response, path)]
    for path in ("/accounts/login/", "/api/docs/", "/healthz"):
        response = fetch(Client(), path)
        asked += 1
        problems += [f"anonymous {problem}" for problem in problems_of(response, path)]

    print(f"security headers: {asked} responses ({html_pages} HTML pages), {len(problems)} problems")
    assert html_pages >= 300
    if problems:
        pytest.fail(f"{len(problems)} problems:\n" + "\n".join(sorted(set(problems))))
