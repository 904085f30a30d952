"""Set-based writes of the plays check: `INSERT … SELECT … ON CONFLICT DO NOTHING` from an ORM queryset, and
date arithmetic both databases read (PostgreSQL `date + integer`, SQLite `date(…, '+N days')`)."""

from django.db import connection
from django.db.models import DateField, Func


class AddDays(Func):
    """`date + days` (days: an integer expression) as a date."""

    output_field = DateField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        (day_sql, day_params), (n_sql, n_params) = (compiler.compile(e) for e in self.source_expressions)
        if connection.vendor == "sqlite":
            return f"date({day_sql}, '+' || ({n_sql}) || ' days')", [*day_params, *n_params]
        return f"(CAST({day_sql} AS date) + CAST({n_sql} AS integer))", [*day_params, *n_params]


def insert_select(model, columns: list[str], queryset, names: list[str], conflict: list[str]) -> int:
    """INSERT INTO model (columns) SELECT names FROM (queryset) … ON CONFLICT (conflict) DO NOTHING: how many."""
    select_sql, params = queryset.order_by().values_list(*names).query.sql_with_params()
    quote = connection.ops.quote_name
    picked = ", ".join(f"picked.{quote(name)}" for name in names)
    with connection.cursor() as cursor:
        # Named columns, whatever order the ORM compiles them in; `WHERE true` lets SQLite read ON CONFLICT.
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
            f"SELECT {picked} FROM ({select_sql}) AS picked WHERE true "
            f"ON CONFLICT ({', '.join(quote(c) for c in conflict)}) DO NOTHING",
            params,
        )
        return max(cursor.rowcount, 0)
