"""PostgreSQL: a batch's valid customer rows written set-based instead of row by row.

The rows are `COPY`ed into a temporary staging table, then merged by one statement per set of given
columns (usually one per batch):

    INSERT INTO customer … SELECT … FROM stage ORDER BY line
    ON CONFLICT (source, external_id) DO UPDATE SET <given columns>, updated_at
        WHERE (customer.<given columns>) IS DISTINCT FROM (EXCLUDED.<given columns>)
    RETURNING external_id, xmax = 0

A returned row with `xmax = 0` was inserted, any other returned row was updated, and a staged row not
returned was already equal (unchanged). Only the columns a row gives are compared and written (an absent
column, or a sensitive cell reading the mask, leaves the field as it is); a new customer takes the model's
defaults for the rest. Before the merge one index lookup per source (`external_id = ANY(…)`) finds the
existing customers' regions: rows naming a customer of a region the importer does not work in are taken
out (rejected by the caller), and the others' regions are reported for the run's scope.
"""

import io
import re
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from segments.models import Customer

STAGE = "import_customer_stage"


@dataclass
class Merged:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    out_of_scope: set[int] = field(default_factory=set)  # lines naming a customer of another region
    old_regions: set[int] = field(default_factory=set)  # regions of the existing customers named


def _field(attname: str):
    """The model field behind a values key ("region_id" is the region foreign key's column)."""
    return next(item for item in Customer._meta.concrete_fields if item.attname == attname)


def _column(attname: str) -> str:
    return _field(attname).column


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _cell(value) -> str:
    """One value in COPY's text format: \\N for NULL, backslash escapes for the separators."""
    if value is None:
        return "\\N"
    if value.__class__ is bool:
        return "t" if value else "f"
    return str(value).translate(_ESCAPES)


_ESCAPED = re.compile(r"[\\\n\r]")  # and the tab, counted


def _line(cells: list) -> str:
    """One row in COPY's text format: the values joined by tabs as they are, unless one is NULL or a bool or
    holds a character to escape (then each value is escaped)."""
    if not any(cell is None or cell.__class__ is bool for cell in cells):
        line = "\t".join(map(str, cells))
        if line.count("\t") == len(cells) - 1 and not _ESCAPED.search(line):
            return line + "\n"
    return "\t".join(map(_cell, cells)) + "\n"


def _stage(cursor, fields: tuple[str, ...]) -> None:
    """The per-session temporary staging table (emptied at each commit, and here before use)."""
    columns = ", ".join(
        f'"{_column(name)}" {_field(name).db_type(connection)}' for name in ("source", "external_id", *fields)
    )
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} (line integer, grp integer, {columns}) "
        "ON COMMIT DELETE ROWS"
    )
    cursor.execute(f"TRUNCATE {STAGE}")


def _defaults(fields: tuple[str, ...]) -> dict:
    """The value a new customer takes for a column its row does not give."""
    return {name: _field(name).get_default() for name in fields}


def merge_customers(rows: list[tuple[int, dict]], *, fields: tuple[str, ...], allowed_regions) -> Merged:
    """Write `rows` ((line, cleaned values) with unique keys) in one COPY and one merge per column set.

    `allowed_regions`: the region ids the importer may write (None: every region)."""
    merged = Merged()
    if not rows:
        return merged
    defaults = _defaults(fields)
    groups: dict[frozenset, int] = {}
    buffer = io.StringIO()
    for line, values in rows:
        given = frozenset(name for name in fields if name in values)
        group = groups.setdefault(given, len(groups))
        cells = [line, group, values["source"], values["external_id"]]
        cells += [values[name] if name in given else defaults[name] for name in fields]
        buffer.write(_line(cells))
    buffer.seek(0)
    staged = ", ".join(f'"{_column(name)}"' for name in ("source", "external_id", *fields))
    with connection.cursor() as cursor:
        _stage(cursor, fields)
        cursor.copy_expert(f"COPY {STAGE} (line, grp, {staged}) FROM STDIN", buffer)
        _existing_regions(cursor, rows, allowed_regions=allowed_regions, merged=merged)
        if merged.out_of_scope:
            cursor.execute(f"DELETE FROM {STAGE} WHERE line = ANY(%s)", [sorted(merged.out_of_scope)])  # noqa: S608
        written = []
        for given, group in groups.items():
            written += _merge_group(cursor, given=given, group=group, fields=fields)
    # Reported in file order, as the rows were given.
    line_of = {(values["source"], values["external_id"]): line for line, values in rows}
    for _source, external_id, inserted in sorted(written, key=lambda item: line_of[item[0], item[1]]):
        (merged.created if inserted else merged.updated).append(external_id)
    staged_count = len(rows) - len(merged.out_of_scope)
    merged.unchanged = staged_count - len(merged.created) - len(merged.updated)
    return merged


def _existing_regions(cursor, rows, *, allowed_regions, merged: Merged) -> None:
    """The regions of the existing customers the rows name; rows naming one outside `allowed_regions` are
    noted out of scope. One index scan of (source, external_id) per source (a join with the staging table
    would be planned as a scan of the whole customer table), locking the rows found."""
    by_source: dict[str, dict[str, int]] = {}
    for line, values in rows:
        by_source.setdefault(values["source"], {})[values["external_id"]] = line
    for source, lines in by_source.items():
        # Locked (as the merge would lock them) so no one moves them to another region in between.
        cursor.execute(
            f"SELECT external_id, region_id FROM {Customer._meta.db_table} "  # noqa: S608
            "WHERE source = %s AND external_id = ANY(%s) FOR NO KEY UPDATE",
            [source, list(lines)],
        )
        for external_id, region_id in cursor.fetchall():
            if allowed_regions is None or region_id in allowed_regions:
                merged.old_regions.add(region_id)
            else:
                merged.out_of_scope.add(lines[external_id])


def _merge_group(cursor, *, given: frozenset, group: int, fields: tuple[str, ...]) -> list[tuple]:
    """One INSERT … ON CONFLICT DO UPDATE for the staged rows giving exactly the columns `given`."""
    table = Customer._meta.db_table
    now = timezone.now()
    staged = [_column(name) for name in ("source", "external_id", *fields)]
    # Every other column a new customer needs, at the model's default (the ORM fills them, not the database).
    others, params = [], []
    for model_field in Customer._meta.concrete_fields:
        if model_field.primary_key or model_field.column in staged:
            continue
        others.append(model_field.column)
        if model_field.name in ("created_at", "updated_at"):
            params.append(now)
        else:
            params.append(model_field.get_db_prep_save(model_field.get_default(), connection))
    compared = [_column(name) for name in fields if name in given]
    insert_columns = ", ".join(f'"{column}"' for column in staged + others)
    select = ", ".join([*(f's."{column}"' for column in staged), *(["%s"] * len(others))])
    sets = ", ".join(f'"{column}" = EXCLUDED."{column}"' for column in [*compared, "updated_at"])
    old = ", ".join(f'c."{column}"' for column in compared)
    new = ", ".join(f'EXCLUDED."{column}"' for column in compared)
    cursor.execute(
        f"INSERT INTO {table} AS c ({insert_columns}) "  # noqa: S608
        f"SELECT {select} FROM {STAGE} s WHERE s.grp = %s ORDER BY s.line "
        f"ON CONFLICT (source, external_id) DO UPDATE SET {sets} "
        f"WHERE ROW({old}) IS DISTINCT FROM ROW({new}) "
        "RETURNING c.source, c.external_id, (c.xmax = 0) AS inserted",
        [*params, group],
    )
    return cursor.fetchall()
