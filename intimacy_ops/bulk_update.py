"""Writing many rows' new values in one statement: `UPDATE … FROM (VALUES …)` on PostgreSQL.

Django's `bulk_update` builds a `CASE WHEN pk = … THEN …` expression per field and row: Python work that
grows with rows × fields (most of a check's time at 10,000 rows), and SQL that grows quadratically. This
sends each row's values once and joins on the primary key. Other databases fall back to `bulk_update`.
"""

import datetime

from django.db import connection, models


def update_from_values(
    objs: list, fields: list[str], *, where: str = "", model: type[models.Model] | None = None
) -> int:
    """Write `fields` of each object to its row; `where` (SQL over the table alias `t`) is an extra guard.
    Returns how many rows changed. The objects must be of one model and already saved; with `model`, they
    may be any objects with `pk` and the fields (a check's rows read as plain values)."""
    if not objs:
        return 0
    model = model or type(objs[0])
    if connection.vendor != "postgresql":
        if where:
            raise ValueError("a raw `where` guard needs PostgreSQL")
        if not isinstance(objs[0], model):
            objs = [model(pk=obj.pk, **{name: getattr(obj, name) for name in fields}) for obj in objs]
        return model.objects.bulk_update(objs, fields)
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    fields_of = {field.attname: field for field in columns}
    pk = meta.pk
    row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    params = []
    # Aware datetimes and None go to psycopg2 as they are (what DateTimeField's preparation returns for them
    # on PostgreSQL, at a fraction of its cost per value); other values are prepared by their field.
    prepare = [
        (field.attname, None if isinstance(field, models.DateTimeField) else field.get_db_prep_save)
        for field in columns
    ]
    for obj in objs:
        params.append(pk.get_db_prep_save(obj.pk, connection))
        for attname, prep in prepare:
            value = getattr(obj, attname)
            if prep is None and (value is None or (isinstance(value, datetime.datetime) and value.tzinfo)):
                params.append(value)
            else:
                params.append((prep or fields_of[attname].get_db_prep_save)(value, connection))
    names = ", ".join(f"c{n}" for n in range(len(columns)))
    assignments = ", ".join(
        f"{connection.ops.quote_name(field.column)} = v.c{n}::{field.db_type(connection)}"
        for n, field in enumerate(columns)
    )
    sql = (
        f"UPDATE {connection.ops.quote_name(meta.db_table)} AS t SET {assignments} "  # noqa: S608
        f"FROM (VALUES {', '.join([row] * len(objs))}) AS v(id, {names}) "
        f"WHERE t.{connection.ops.quote_name(pk.column)} = v.id::{pk.rel_db_type(connection)}"
        + (f" AND ({where})" if where else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
