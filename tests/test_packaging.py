"""How the product starts and ships: settings that refuse bad input, deploy checks, migrations, compose, image.

Each test starts the real `manage.py` in a child process with a clean environment, as an operator would,
so nothing the test run itself configured (tests/settings.py puts a secret into os.environ) leaks in.
"""

import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {"postgres", "redis", "web", "worker", "mail-worker", "beat"}
# Everything the settings read: each test starts from none of it and sets only what it means to.
SETTINGS_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "NOTIFICATION_EMAIL_DELIVERY",
    "INTIMACY_OPS_VAR_DIR",
    "CELERY_VISIBILITY_TIMEOUT",
    "HEARTBEAT_SECONDS",
    "LOG_LEVEL",
)


def clean_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name not in SETTINGS_VARIABLES
    }
    env["INTIMACY_OPS_VAR_DIR"] = str(tmp_path / "var")
    env.update(settings)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def production_env(tmp_path: Path) -> dict[str, str]:
    return clean_env(
        tmp_path,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        AUDIT_KEY=secrets.token_urlsafe(32),
        DJANGO_SETTINGS_MODULE="intimacy_ops.settings",
    )


def test_debug_off_without_secret_key_refuses_to_start_with_one_line(tmp_path):
    result = manage(
        "check", env=clean_env(tmp_path, DJANGO_DEBUG="0", DJANGO_SETTINGS_MODULE="intimacy_ops.settings")
    )

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DJANGO_SECRET_KEY" in lines[0]


def test_deploy_check_with_production_settings_reports_no_issues(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout, result.stdout + result.stderr


# Asked in the production shape (debug off, HTTPS on): the headers a browser receives on the sign-in page.
PRODUCTION_HEADERS = """
from django.test import Client
response = Client().get("/accounts/login/", secure=True, HTTP_HOST="localhost")
print(response.status_code)
for name in ("Content-Security-Policy", "Permissions-Policy", "Strict-Transport-Security", "X-Frame-Options"):
    print(f"{name}: {response.headers.get(name, '')}")
print("cookies:", sorted(f"{key}={morsel['secure']}" for key, morsel in response.cookies.items()))
"""


def test_production_settings_send_the_security_headers(tmp_path):
    env = production_env(tmp_path) | {"DJANGO_MANIFEST_STATIC": "0"}  # no collectstatic in a test
    result = manage("shell", "--no-imports", "-c", PRODUCTION_HEADERS, env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "200", result.stdout + result.stderr
    headers = dict(line.split(": ", 1) for line in lines[1:5])
    policy = {part.split()[0]: part.split()[1:] for part in headers["Content-Security-Policy"].split("; ")}
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval
    assert policy["object-src"] == policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == policy["form-action"] == policy["default-src"] == ["'self'"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in headers["Permissions-Policy"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert "csrftoken=True" in lines[5]  # the CSRF cookie is sent over HTTPS only


def test_garbage_debug_value_refuses_to_start_naming_the_variable(tmp_path):
    env = clean_env(
        tmp_path,
        DJANGO_DEBUG="yes please",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_SETTINGS_MODULE="intimacy_ops.settings",
    )

    result = manage("check", env=env)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DJANGO_DEBUG" in lines[0] and "yes please" in lines[0], result.stderr


def test_no_model_change_lacks_a_migration(tmp_path):
    result = manage("makemigrations", "--check", "--dry-run", env=production_env(tmp_path))

    assert result.returncode == 0, f"missing migrations:\n{result.stdout}{result.stderr}"


# --- docker compose -------------------------------------------------------------------------------


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services_with_healthchecks_and_ordering():
    compose = load_compose()
    services = compose["services"]

    assert set(services) == SERVICES
    assert "name" not in compose  # docker-compose v1 rejects a top-level name
    assert "pg_isready" in str(services["postgres"]["healthcheck"]["test"])
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in services["postgres"]["volumes"])
    assert "ping" in services["redis"]["healthcheck"]["test"]
    assert "/healthz" in str(services["web"]["healthcheck"]["test"])
    web_command = " ".join(services["web"]["command"])
    assert web_command.index("migrate") < web_command.index("gunicorn")
    assert "worker" in services["worker"]["command"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in services["beat"]["command"]
    for name in ("web", "worker", "mail-worker", "beat"):
        depends_on = services[name]["depends_on"]
        assert {"postgres", "redis"} <= set(depends_on), name
        assert all(rule["condition"] == "service_healthy" for rule in depends_on.values()), name
        environment = services[name]["environment"]
        assert environment["DJANGO_SECRET_KEY"] == "${DJANGO_SECRET_KEY:?set DJANGO_SECRET_KEY}", name
        assert environment["DJANGO_DEBUG"] == "0", name
    # Beat's database scheduler and the worker need the tables the web's migrate creates.
    assert services["beat"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["mail-worker"]["depends_on"]["web"]["condition"] == "service_healthy"


def worker_queues(command: list[str]) -> set[str]:
    (option,) = [part for part in command if part.startswith("--queues=")]
    return set(option.removeprefix("--queues=").split(","))


def test_compose_runs_one_worker_per_queue_and_together_they_consume_every_routed_queue():
    from django.conf import settings

    services = load_compose()["services"]
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {
        settings.CELERY_TASK_DEFAULT_QUEUE
    }

    assert worker_queues(services["worker"]["command"]) == {"checks"}
    assert worker_queues(services["mail-worker"]["command"]) == {"mail"}
    assert routed == {"checks", "mail"}
    # `--scale worker=N` needs workers that claim no fixed name or host port.
    for name in ("worker", "mail-worker"):
        assert "container_name" not in services[name] and "ports" not in services[name], name


def test_procfile_for_make_run_starts_workers_for_every_routed_queue():
    lines = (ROOT / "Procfile.dev").read_text().splitlines()
    workers = [line for line in lines if " worker " in line and not line.startswith("#")]

    consumed = set().union(*(worker_queues(line.split()) for line in workers))
    assert consumed == {"checks", "mail"}
    assert len(workers) == 2


def gunicorn_config(**environment: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("WEB_")} | environment
    result = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "--print-config", "intimacy_ops.wsgi:application"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return {
        line.split("=", 1)[0].strip(): line.split("=", 1)[1].strip()
        for line in result.stdout.splitlines()
        if "=" in line
    }


def test_gunicorn_takes_workers_threads_and_class_from_the_environment():
    defaults = gunicorn_config()
    chosen = gunicorn_config(WEB_CONCURRENCY="5", WEB_THREADS="1", WEB_WORKER_CLASS="sync")

    assert int(defaults["workers"]) == os.cpu_count() + 1
    assert (defaults["threads"], defaults["worker_class"]) == ("2", "gthread")
    assert (chosen["workers"], chosen["threads"], chosen["worker_class"]) == ("5", "1", "sync")
    assert defaults["bind"] == "['0.0.0.0:8000']"


def test_gunicorn_refuses_a_thread_count_that_is_not_a_number():
    env = {name: value for name, value in os.environ.items() if not name.startswith("WEB_")}
    result = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "--print-config", "intimacy_ops.wsgi:application"],
        cwd=ROOT,
        env=env | {"WEB_THREADS": "many"},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )

    assert result.returncode != 0
    assert "WEB_THREADS='many'" in result.stdout + result.stderr


def test_gunicorn_refuses_garbage_collector_thresholds_that_are_not_three_numbers():
    env = {name: value for name, value in os.environ.items() if not name.startswith("WEB_")}
    for bad in ("lots", "1000,10", "0,10,10"):
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--print-config",
                "intimacy_ops.wsgi:application",
            ],
            cwd=ROOT,
            env=env | {"WEB_GC_THRESHOLDS": bad},
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert result.returncode != 0, bad
        assert f"WEB_GC_THRESHOLDS={bad!r}" in result.stdout + result.stderr


def test_each_gunicorn_worker_freezes_the_application_and_tunes_the_collector(tmp_path):
    """The worker says so in its log once the application is loaded, with the default or the given thresholds."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("WEB_")}
    env |= {"WEB_BIND": "127.0.0.1:0", "WEB_CONCURRENCY": "1", "WEB_THREADS": "1", "DJANGO_DEBUG": "1"}
    for setting, expected in (("", "thresholds (50000, 20, 100)"), ("2000,5,5", "thresholds (2000, 5, 5)")):
        log = tmp_path / f"gunicorn{setting}.log"
        server = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "intimacy_ops.wsgi:application",
                "--error-logfile",
                str(log),
            ],
            cwd=ROOT,
            env=env | {"WEB_GC_THRESHOLDS": setting},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and "garbage collector:" not in (
                log.read_text() if log.exists() else ""
            ):
                time.sleep(0.2)
            assert f"garbage collector: application frozen, {expected}" in log.read_text()
        finally:
            server.terminate()
            server.wait(timeout=30)


def compose_client() -> list[str] | None:
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) is None:
            continue
        probe = subprocess.run(
            [*command, "version"], capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
        if probe.returncode == 0:
            return command
    return None


def test_compose_file_validates_and_refuses_without_a_secret_key(tmp_path):
    client = compose_client()
    if client is None:
        pytest.skip("no docker compose client (neither `docker compose` nor `docker-compose`)")
    empty_env_file = tmp_path / "empty.env"  # so a developer's .env beside the file cannot fill in the secret
    empty_env_file.write_text("")
    command = [*client, "--env-file", str(empty_env_file), "-f", "docker-compose.yml", "config", "-q"]
    env = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}

    valid = subprocess.run(
        command,
        cwd=ROOT,
        env={**env, "DJANGO_SECRET_KEY": secrets.token_urlsafe(64)},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    refused = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )

    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert refused.returncode != 0
    assert "DJANGO_SECRET_KEY" in refused.stderr + refused.stdout


# --- the image and CI -----------------------------------------------------------------------------


def test_image_runs_as_a_non_root_user_and_bakes_in_no_secret():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]

    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    assert not any(line.startswith(("ENV", "ARG")) and "DJANGO_SECRET_KEY" in line for line in instructions)
    assert any("collectstatic" in line for line in instructions)
    assert "gunicorn" in instructions[-1]
    # No --workers/--bind baked in: gunicorn.conf.py (copied with the code) takes them from the environment.
    assert "--workers" not in instructions[-1] and "--bind" not in instructions[-1]
    assert "gunicorn.conf.py" not in (ROOT / ".dockerignore").read_text()


def test_ci_script_is_an_executable_bash_script_that_parses():
    script = ROOT / ".ci" / "run"

    assert os.access(script, os.X_OK)
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
