"""PostgreSQL: a batch's valid customer rows written set-based instead of row by row.

The rows are `COPY`ed into a temporary staging table, then merged by one statement per set of given
columns (usually one per batch):

    INSERT INTO customer … SELECT … FROM stage ORDER BY line
    ON CONFLICT (source, external_id) DO UPDATE SET <given columns>, updated_at
        WHERE (customer.<given columns>) IS DISTINCT FROM (EXCLUDED.<given columns>)
    RETURNING external_id, xmax = 0

A returned row with `xmax = 0` was inserted, any other returned row was updated, and a staged row not
returned was already equal (unchanged). Given the segments' thresholds (`Classify`), the same statement puts
each row it writes in its segment (a locked customer stays where a person put it) and, in a data-modifying
`WITH`, records a `SegmentChange` for each written row whose segment moved: classification follows the rows
of the batch, not a pass over the whole table. Only the columns a row gives are compared and written (an absent
column, or a sensitive cell reading the mask, leaves the field as it is); a new customer takes the model's
defaults for the rest. Before the merge one index lookup per source (`external_id = ANY(…)`) finds the
existing customers' regions: rows naming a customer of a region the importer does not work in are taken
out (rejected by the caller), and the others' regions are reported for the run's scope.
"""

import csv
import io
import operator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from segments.models import Customer, SegmentChange

STAGE = "import_customer_stage"


@dataclass(frozen=True)
class Classify:
    """Put written rows in their segment (`thresholds`: classification.Thresholds) and record each move."""

    thresholds: list
    actor_id: int | None
    reason: str


@dataclass
class Merged:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    out_of_scope: set[int] = field(default_factory=set)  # lines naming a customer of another region
    old_regions: set[int] = field(default_factory=set)  # regions of the existing customers named
    old_segments: dict[int, int | None] = field(default_factory=dict)  # existing customer id → its segment
    moved: int = 0  # written rows whose segment changed (a SegmentChange each)
    moved_existing: list[int] = field(default_factory=list)  # ids of the existing customers among them


def _field(attname: str):
    """The model field behind a values key ("region_id" is the region foreign key's column)."""
    return next(item for item in Customer._meta.concrete_fields if item.attname == attname)


def _column(attname: str) -> str:
    return _field(attname).column


def _copy_text(rows) -> io.StringIO:
    """The staged rows in COPY's CSV format, written by the C csv writer: every string quoted (so an empty
    string, a line break or a backslash is taken as it is), numbers bare, None as a quoted empty cell
    (read back as NULL through FORCE_NULL, which only the non-text columns get)."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    return buffer


def _is_text(attname: str) -> bool:
    return _field(attname).get_internal_type() in ("CharField", "TextField", "EmailField", "SlugField")


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


def merge_customers(
    rows: list[tuple[int, dict]],
    *,
    fields: tuple[str, ...],
    allowed_regions,
    classify: Classify | None = None,
) -> Merged:
    """Write `rows` ((line, cleaned values) with unique keys) in one COPY and one merge per column set.

    `allowed_regions`: the region ids the importer may write (None: every region). `classify`: put the
    written rows in their segments and record the moves (None: leave segments as they are)."""
    merged = Merged()
    if not rows:
        return merged
    defaults = _defaults(fields)
    groups: dict[frozenset, int] = {}
    # The rows' key sets (usually one per file) → (group, reader of the staged cells in order).
    shapes: dict[tuple, tuple[int, object]] = {}
    staged_rows = []
    for line, values in rows:
        shape = shapes.get(tuple(values))
        if shape is None:
            given = frozenset(name for name in fields if name in values)
            group = groups.setdefault(given, len(groups))
            missing = {name: defaults[name] for name in fields if name not in given}
            names = ("source", "external_id", *fields)
            read = operator.itemgetter(*names)
            if missing:  # the model's default for a column the row does not give
                read = lambda values, names=names, missing=missing: [  # noqa: E731
                    missing[name] if name in missing else values[name] for name in names
                ]
            shape = shapes[tuple(values)] = (group, read)
        staged_rows.append((line, shape[0], *shape[1](values)))
    names = ("source", "external_id", *fields)
    staged = ", ".join(f'"{_column(name)}"' for name in names)
    nullable = ", ".join(f'"{_column(name)}"' for name in names if not _is_text(name))
    with connection.cursor() as cursor:
        _stage(cursor, fields)
        cursor.copy_expert(
            f"COPY {STAGE} (line, grp, {staged}) FROM STDIN WITH (FORMAT csv, FORCE_NULL ({nullable}))",
            _copy_text(staged_rows),
        )
        del staged_rows
        _existing_regions(cursor, rows, allowed_regions=allowed_regions, merged=merged)
        if merged.out_of_scope:
            cursor.execute(f"DELETE FROM {STAGE} WHERE line = ANY(%s)", [sorted(merged.out_of_scope)])  # noqa: S608
        written = []
        for given, group in groups.items():
            written += _merge_group(
                cursor, given=given, group=group, fields=fields, classify=classify, merged=merged
            )
    # Reported in file order, as the rows were given.
    line_of = {(values["source"], values["external_id"]): line for line, values in rows}
    for _source, external_id, inserted, customer_id, moved in sorted(
        written, key=lambda item: line_of[item[0], item[1]]
    ):
        (merged.created if inserted else merged.updated).append(external_id)
        if moved and not inserted:
            merged.moved_existing.append(customer_id)
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
            f"SELECT external_id, region_id, id, segment_id FROM {Customer._meta.db_table} "  # noqa: S608
            "WHERE source = %s AND external_id = ANY(%s) FOR NO KEY UPDATE",
            [source, list(lines)],
        )
        for external_id, region_id, customer_id, segment_id in cursor.fetchall():
            if allowed_regions is None or region_id in allowed_regions:
                merged.old_regions.add(region_id)
                merged.old_segments[customer_id] = segment_id
            else:
                merged.out_of_scope.add(lines[external_id])


def _target(thresholds: list, value) -> str:
    """SQL for the segment a row with these figures belongs to (classification.target_segment's rule):
    the first, in rank order, whose four minimums all hold, else the lowest-ranked. `value(attname)` gives
    the SQL for a figure. The thresholds are the database's own numbers, written as literals."""
    ordered = sorted(thresholds, key=lambda item: item.rank)
    whens = " ".join(
        f"WHEN {value('annual_revenue')} >= {Decimal(t.min_annual_revenue)!s}::numeric "
        f"AND {value('strategic_value')} >= {int(t.min_strategic_value)} "
        f"AND {value('lifetime_value')} >= {Decimal(t.min_lifetime_value)!s}::numeric "
        f"AND {value('support_complexity')} >= {int(t.min_support_complexity)} THEN {int(t.segment_id)}"
        for t in ordered[:-1]
    )
    return (
        f"(CASE {whens} ELSE {int(ordered[-1].segment_id)} END)"
        if whens
        else str(int(ordered[-1].segment_id))
    )


def _merge_group(
    cursor,
    *,
    given: frozenset,
    group: int,
    fields: tuple[str, ...],
    classify: Classify | None,
    merged: Merged,
) -> list[tuple]:
    """One INSERT … ON CONFLICT DO UPDATE for the staged rows giving exactly the columns `given` (and, when
    classifying, one INSERT of their segment moves in the same statement)."""
    table = Customer._meta.db_table
    now = timezone.now()
    staged = [_column(name) for name in ("source", "external_id", *fields)]
    segment = _column("segment_id")
    # Every other column a new customer needs, at the model's default (the ORM fills them, not the database).
    others, params = [], []
    for model_field in Customer._meta.concrete_fields:
        if model_field.primary_key or model_field.column in staged:
            continue
        if classify and model_field.column == segment:
            continue
        others.append(model_field.column)
        if model_field.name in ("created_at", "updated_at"):
            params.append(now)
        else:
            params.append(model_field.get_db_prep_save(model_field.get_default(), connection))
    compared = [_column(name) for name in fields if name in given]
    insert_columns = ", ".join(
        f'"{column}"' for column in [*staged, *others, *([segment] if classify else [])]
    )
    select = [*(f's."{column}"' for column in staged), *(["%s"] * len(others))]
    sets = [f'"{column}" = EXCLUDED."{column}"' for column in [*compared, "updated_at"]]
    if classify:
        # A new row's figures are all staged (given, or the model's default); an updated row keeps the
        # figures its row does not give.
        select.append(_target(classify.thresholds, lambda name: f's."{_column(name)}"'))
        kept = _target(
            classify.thresholds,
            lambda name: (
                f'EXCLUDED."{_column(name)}"' if _column(name) in compared else f'c."{_column(name)}"'
            ),
        )
        sets.append(
            f'"{segment}" = CASE WHEN c."{_column("segment_locked")}" THEN c."{segment}" ELSE {kept} END'
        )
    old = ", ".join(f'c."{column}"' for column in compared)
    new = ", ".join(f'EXCLUDED."{column}"' for column in compared)
    merge = (
        f"INSERT INTO {table} AS c ({insert_columns}) "  # noqa: S608
        f"SELECT {', '.join(select)} FROM {STAGE} s WHERE s.grp = %s ORDER BY s.line "
        f"ON CONFLICT (source, external_id) DO UPDATE SET {', '.join(sets)} "
        f"WHERE ROW({old}) IS DISTINCT FROM ROW({new}) "
        f'RETURNING c.id, c.source, c.external_id, (c.xmax = 0) AS inserted, c."{segment}" AS segment_id'
    )
    params.append(group)
    if not classify:
        cursor.execute(
            f"WITH m AS ({merge}) SELECT source, external_id, inserted, id, false FROM m",  # noqa: S608
            params,
        )
        return cursor.fetchall()
    changes = SegmentChange._meta.db_table
    cursor.execute(
        f"WITH m AS ({merge}), "  # noqa: S608
        "o AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[]) AS o(id, segment_id)), "
        "j AS (SELECT m.*, o.segment_id AS old_segment_id FROM m LEFT JOIN o ON o.id = m.id), "
        f"ch AS (INSERT INTO {changes} (customer_id, from_segment_id, to_segment_id, cause, changed_by_id, reason, at) "
        "SELECT id, old_segment_id, segment_id, %s, %s, %s, %s FROM j "
        "WHERE segment_id IS DISTINCT FROM old_segment_id RETURNING 1) "
        "SELECT source, external_id, inserted, id, segment_id IS DISTINCT FROM old_segment_id, "
        "(SELECT count(*) FROM ch) FROM j",
        [
            *params,
            list(merged.old_segments),
            list(merged.old_segments.values()),
            SegmentChange.Cause.RULE,
            classify.actor_id,
            classify.reason,
            now,
        ],
    )
    rows = cursor.fetchall()
    if rows:
        merged.moved += rows[0][5]
    return [row[:5] for row in rows]
