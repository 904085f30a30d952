"""Helpers of bench/checks.py: copies of one ORM-written row in bulk, and dropping the bench database."""

from urllib.parse import urlsplit, urlunsplit


def copy_rows(model, template_pk: int, first: int, last: int, overrides: dict[str, str]) -> int:
    """INSERT copies of row `template_pk` for g in first..last, with `overrides` (column → SQL using g, t)."""
    from django.db import connection

    table = model._meta.db_table
    columns = [field.column for field in model._meta.concrete_fields if not field.primary_key]
    unknown = set(overrides) - set(columns)
    if unknown:
        raise SystemExit(f"{table} has no column(s) {sorted(unknown)}")
    # `%` is the driver's placeholder mark: the modulos in the overrides are doubled.
    select = ", ".join(overrides.get(column, f't."{column}"') for column in columns).replace("%", "%%")
    quoted = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" ({quoted}) SELECT {select} FROM "{table}" t '  # noqa: S608 - our own names
            f"CROSS JOIN generate_series(%s, %s) AS g WHERE t.id = %s",
            [first, last, template_pk],
        )
        return cursor.rowcount


def drop_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
    admin.close()
    print(f"  (database {parts.path.lstrip('/')} dropped)")


def counting(connection, counter: list[int]):
    """A context in which every query on `connection` adds one to counter[0] (no 9,000-query log cap)."""

    def count(execute, sql, params, many, context):
        counter[0] += 1
        return execute(sql, params, many, context)

    return connection.execute_wrapper(count)


def time_inline_mail(*, skip: bool = False) -> list[float]:
    """Time spent handing e-mails over (inline tasks, under NOTIFICATION_EMAIL_DELIVERY=inline) adds to [0];
    with `skip`, the e-mails are not handed over at all (they stay queued, as with the broker down)."""
    import time

    import intimacy_ops.notifications as notifications

    spent = [0.0]
    enqueue = notifications.enqueue_emails

    def timed(**kwargs):
        started = time.perf_counter()
        try:
            return [] if skip else enqueue(**kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    notifications.enqueue_emails = timed
    return spent
