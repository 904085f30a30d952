"""CPU per request: the main pages and API lists of each role, and one sign-in, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_perf_requests .venv/bin/python bench/request_cpu.py
    ... bench/request_cpu.py --customers 5000 --repeat 15

The database's name must contain "bench": it is dropped and created again, and dropped at the end. The
demo data (`seed_demo`) plus N customers (in the demo users' regions) give each role realistic lists.
Each request runs in this process through the whole stack (Django test client: middleware, view or DRF,
templates, masking, access log); the figure is this process's CPU time (`time.process_time`), median of
`--repeat` runs after a warm-up — what a gunicorn worker spends, without the database's own CPU. The
sign-in is `POST /accounts/login/` for a user whose password hash the settings' first hasher made.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intimacy_ops.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_MANIFEST_STATIC", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("AUDIT_KEY", "bench-only-audit-key")
os.environ.setdefault("NOTIFICATION_EMAIL_DELIVERY", "inline")
os.environ.setdefault("INTIMACY_OPS_VAR_DIR", str(ROOT / "var" / "bench" / "request-cpu-var"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

PAGES = {
    "am.alice": [
        "/",
        "/segments/customers/",
        "/segments/customers/{customer}/",
        "/exceptions/",
        "/exceptions/{exception}/",
        "/api/v1/customers/",
        "/api/v1/exceptions/",
    ],
    "ccb.carol": [
        "/",
        "/governance/",
        "/governance/reviews/{review}/",
        "/exceptions/",
        "/api/v1/exceptions/",
    ],
    "ops.oscar": ["/", "/segments/customers/", "/exceptions/waiting/", "/api/v1/customers/"],
    "steward.sam": ["/", "/api/v1/access-log/"],
}


def cpu_ms(client, method: str, path: str, repeat: int, data=None) -> float:
    call = getattr(client, method)
    for _ in range(2):
        response = call(path, data) if data else call(path)
        assert response.status_code in (200, 302), (path, response.status_code)
    spent = []
    for _ in range(repeat):
        began = time.process_time()
        call(path, data) if data else call(path)
        spent.append((time.process_time() - began) * 1000)
    return statistics.median(spent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("set DATABASE_URL=postgres://…/bench_perf_requests")
    from audit_chain import fresh_database
    from checks_rows import drop_database as drop

    print(f"database: {fresh_database(url)}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    try:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("seed_demo", verbosity=0)
        from exceptions.models import ExceptionRequest
        from governance.models import Review
        from intimacy_ops.accounts.models import Region, User
        from segments.models import Customer

        emea = Region.objects.get(code="EMEA")
        alice = User.objects.get(username="am.alice")
        Customer.objects.bulk_create(
            Customer(
                source="bench",
                external_id=f"B{n}",
                name=f"Bench customer {n:06d}",
                region=emea,
                account_manager=alice if n % 3 == 0 else None,
                contact_email=f"b{n}@example.com",
            )
            for n in range(args.customers)
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        ids = {
            "customer": Customer.objects.filter(account_manager=alice).order_by("pk").first().pk,
            "exception": ExceptionRequest.objects.filter(requested_by=alice).order_by("pk").first().pk,
            "review": Review.objects.filter(status="open").order_by("pk").first().pk,
        }
        print(f"load average {os.getloadavg()[0]:.2f}; median CPU ms of {args.repeat} runs")
        for username, paths in PAGES.items():
            client = Client(HTTP_HOST="localhost")
            client.force_login(User.objects.get(username=username))
            for path in paths:
                path = path.format(**ids)
                if path == "/":  # the role's home page, where / sends them
                    path = client.get("/").url
                try:
                    figure = f"{cpu_ms(client, 'get', path, args.repeat):6.1f}"
                except AssertionError as error:
                    figure = f"  n/a ({error})"
                print(f"  {username:12} GET {path:34} {figure}   (load {os.getloadavg()[0]:.2f})")
        from django.conf import settings

        form = {"username": "am.alice", "password": "intimacy-demo"}

        def sign_in_cpu() -> float:
            client, spent = Client(HTTP_HOST="localhost"), []
            for _ in range(5):
                client.logout()
                began = time.process_time()
                response = client.post("/accounts/login/", form)
                spent.append((time.process_time() - began) * 1000)
                assert response.status_code == 302, response.status_code
            return statistics.median(spent)

        from django.contrib.auth.hashers import make_password
        from django.test import override_settings

        pbkdf2 = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
        with override_settings(PASSWORD_HASHERS=pbkdf2):  # before: Django's PBKDF2 (1,000,000 iterations)
            User.objects.filter(username="am.alice").update(password=make_password("intimacy-demo"))
            before = sign_in_cpu()
        User.objects.filter(username="am.alice").update(password=make_password("intimacy-demo"))
        after = sign_in_cpu()
        hasher = settings.PASSWORD_HASHERS[0].rsplit(".", 1)[1]
        print(
            f"  sign-in (POST /accounts/login/) median CPU: PBKDF2 {before:6.1f} ms, {hasher} {after:6.1f} ms"
            f"   (load {os.getloadavg()[0]:.2f})"
        )
    finally:
        connection.close()
        drop(url)
        print("database dropped")


if __name__ == "__main__":
    main()
