"""The interactive API documentation works offline: everything it loads comes from the app itself."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_the_operations_with_no_request_leaving_the_server(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    response = page.goto("/api/docs/")

    assert response.status == 200
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Intimacy Ops API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator('.swagger-ui .opblock-summary-path[data-path="/api/v1/auth/token/"]')).to_be_visible()
    page.wait_for_load_state("networkidle")

    server = urlsplit(live_server.url)
    assert any(urlsplit(url).path == "/api/schema/" for url in requested), requested
    elsewhere = [
        url
        for url in requested
        if urlsplit(url).scheme not in ("data", "blob")
        and (urlsplit(url).hostname, urlsplit(url).port) != (server.hostname, server.port)
    ]
    assert elsewhere == [], f"the docs page reached outside the live server: {elsewhere}"
    assert server.hostname in ("127.0.0.1", "localhost")
