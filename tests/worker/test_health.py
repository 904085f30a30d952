"""`GET /healthz`: 200 with both ok when the database and broker answer, 503 naming what is down."""

import socket
import time

import pytest

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def closed_port():
    """Make sure nothing answers on 127.0.0.1:1, so "down" is the broker's fault, not a surprise listener's."""
    with socket.socket() as probe:
        probe.settimeout(1)
        if probe.connect_ex(("127.0.0.1", 1)) == 0:
            pytest.fail("something listens on 127.0.0.1:1; the 'broker down' test needs that port closed")


def test_healthz_is_200_when_database_and_broker_answer(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_503_naming_the_broker_when_redis_is_on_a_closed_port(client, db, settings, closed_port):
    settings.REDIS_URL = CLOSED_PORT_URL
    settings.CELERY_BROKER_URL = CLOSED_PORT_URL

    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}
    assert elapsed < 10, f"/healthz took {elapsed:.1f} s; the broker check must time out quickly"


def test_healthz_is_503_when_the_embedded_brokers_folder_is_gone(client, db, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(tmp_path / "missing"),
        "data_folder_out": str(tmp_path / "missing"),
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}


def test_healthz_answers_get_only(client, db):
    assert client.post("/healthz").status_code == 405
