"""Inserting many rows from plain tuples: one multi-row `INSERT … VALUES … RETURNING id` on PostgreSQL.

`bulk_create` builds a model instance per row, then runs each field's `pre_save` and `get_db_prep_save`
per row and value: at 10,000 escalations, audit events and notices that is most of a check's Python time.
Here a check hands over the values themselves (ids for foreign keys, Python dicts for JSON); psycopg2
renders each row in C (`mogrify`) and the rows go in pages of `PAGE` per statement, through Django's
cursor (so query counters and `CaptureQueriesContext` see them). Columns the caller leaves out get their
model default once per call (`auto_now_add` and `default=timezone.now`: the same instant for the call).
Other databases (SQLite in development) fall back to `bulk_create`.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

PAGE = 1000


def _constant(field: models.Field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default() and field.default is timezone.now:
        return now
    return field.get_default()  # "" for a text field without a default, None for a nullable one


def insert_rows(model: type[models.Model], fields: list[str], rows: list[tuple]) -> list[int]:
    """Insert `rows` (one tuple of values per row, in the order of `fields`, given by attname: `recipient_id`)
    into `model`'s table; returns the new primary keys in the rows' order. Call it inside a transaction:
    a failure undoes it with the caller's other writes."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = model._default_manager.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows]
        )
        return [obj.pk for obj in objs]
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    named = {field.attname for field in given}
    now = timezone.now()
    rest = [field for field in meta.concrete_fields if not field.primary_key and field.attname not in named]
    constants = tuple(_constant(field, now) for field in rest)
    jsons = [n for n, field in enumerate(given) if isinstance(field, models.JSONField)]
    json_rest = {n for n, field in enumerate(rest) if isinstance(field, models.JSONField)}
    constants = tuple(
        json.dumps(value, cls=DjangoJSONEncoder) if n in json_rest and value is not None else value
        for n, value in enumerate(constants)
    )
    columns = ", ".join(connection.ops.quote_name(field.column) for field in (*given, *rest))
    template = (
        "("
        + ", ".join("%s::jsonb" if isinstance(field, models.JSONField) else "%s" for field in (*given, *rest))
        + ")"
    )
    table = connection.ops.quote_name(meta.db_table)
    pk = connection.ops.quote_name(meta.pk.column)
    ids: list[int] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own: mogrify renders a row's values in C
        for start in range(0, len(rows), PAGE):
            page = rows[start : start + PAGE]
            if jsons:
                page = [_dump_json(row, jsons) for row in page]
            values = b",".join(raw.mogrify(template, (*row, *constants)) for row in page).decode()
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {pk}"  # noqa: S608 - our own names
            )
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def _dump_json(row: tuple, positions: list[int]) -> tuple:
    values = list(row)
    for n in positions:
        if values[n] is not None:
            values[n] = json.dumps(values[n], cls=DjangoJSONEncoder)
    return tuple(values)


def insert_select(cursor, model: type[models.Model], columns: list[str], aliases: list[str], queryset) -> int:
    """`INSERT INTO model (columns) SELECT aliases FROM (queryset)`: rows the database groups itself go
    straight into a table (the summary and figure refreshes), none through Python. Returns the rows written."""
    sql, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    table, names, picked = (
        quote(model._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(quote(alias) for alias in aliases),
    )
    statement = f"INSERT INTO {table} ({names}) SELECT {picked} FROM ({sql}) AS q"  # noqa: S608 (our names)
    cursor.execute(statement, params)
    return max(cursor.rowcount, 0)
