"""Backups (docs/operations.md): a `pg_dump` restored into a fresh database passes `verify_audit`, and a
tampered audit row in the restored copy makes it fail. PostgreSQL only (the production database)."""

import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from intimacy_ops.notifications.services import set_preference
from tests.factories import user_with
from tests.worker.conftest import ROOT, celery_env, database_url_for_subprocesses

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def postgresql() -> str:
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are tested on PostgreSQL (set DATABASE_URL)")
    for tool in ("pg_dump", "pg_restore", "psql"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (postgresql-client)")
    return database_url_for_subprocesses()


@pytest.fixture
def fresh_database(postgresql) -> Iterator[str]:
    """The URL of a new, empty database beside the test database; dropped afterwards."""
    parts = urlsplit(postgresql)
    name = f"{parts.path.lstrip('/')}_restore_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    psql(admin, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def psql(url: str, sql: str) -> str:
    done = subprocess.run(
        ["psql", "--no-psqlrc", "--set=ON_ERROR_STOP=1", "--quiet", "--tuples-only", url, "--command", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def verify_audit(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "verify_audit"],
        cwd=ROOT,
        env=celery_env(DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_dump_restored_into_a_fresh_database_passes_verify_audit_and_a_tampered_row_fails_it(
    postgresql, fresh_database, tmp_path: Path
):
    steward = user_with("data steward", username="steward.backup")
    for choice in ("digest", "off", "immediate"):  # three audited acts
        set_preference(user=steward, email=choice)
    events = int(psql(postgresql, "SELECT count(*) FROM intimacy_ops_auditevent"))
    assert events >= 3

    dump = tmp_path / "intimacy_ops.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", postgresql], check=True, timeout=120
    )
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={fresh_database}", str(dump)],
        check=True,
        timeout=120,
    )

    restored = verify_audit(fresh_database)
    assert restored.returncode == 0, restored.stderr
    assert f"intact: {events} events" in restored.stdout

    # The restored trigger refuses the change as the app's database would; an intruder with superuser rights
    # goes round it. verify_audit must notice.
    refused = subprocess.run(
        [
            "psql",
            "--no-psqlrc",
            fresh_database,
            "--command",
            "UPDATE intimacy_ops_auditevent SET comment = 'x'",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "append-only" in refused.stderr
    psql(
        fresh_database,
        "SET session_replication_role = replica; "
        "UPDATE intimacy_ops_auditevent SET comment = 'nothing happened' "
        "WHERE id = (SELECT min(id) + 1 FROM intimacy_ops_auditevent)",
    )
    tampered = verify_audit(fresh_database)
    assert tampered.returncode == 1
    assert "broken at event #" in tampered.stderr and "altered" in tampered.stderr
