"""PostgreSQL: a batch's valid case rows written set-based, as customers are (staging.py).

Per batch: one index lookup per source reads (and locks) the cases already imported under the rows' keys
as plain tuples; a row equal to its case in every column it gives is unchanged and goes no further. The
others — new cases, and changed ones — get their SLA clock (due times, breach state, queue, next reminder:
computed in Python, since they follow the region's working hours and holidays and a case's waiting
pauses, read in one query for the changed cases), are `COPY`ed into a temporary staging table and written
by one statement:

    INSERT INTO case … SELECT … FROM stage ORDER BY line
    ON CONFLICT (source, external_id) DO UPDATE SET <given columns>, <clock columns>
        WHERE (case.<given columns, clock>) IS DISTINCT FROM (EXCLUDED.…)
    RETURNING external_id, xmax = 0

A column a row does not give (an optional CSV column, a JSON key left out) is neither compared nor written:
a new case takes the model's default for it, an existing one keeps its value (the statement's SET lists
only what the row's group gives; rows giving the same columns share a statement).
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection
from django.utils import timezone

from segments import business_hours
from segments.imports.staging import _copy_text
from segments.models import Customer, Segment, ServiceCase, SlaPolicy, WaitingInterval, WorkingCalendar
from segments.services.sla import calendar_of, queue_of, set_clock

STAGE = "import_case_stage"
GIVEN = ("customer_id", "priority", "opened_at", "first_response_at", "resolved_at", "title")
OPTIONAL = ("first_response_at", "resolved_at", "title")
CLOCK = ("response_due_at", "resolution_due_at", "breached", "queue", "update_reminder_at")
READ = (*GIVEN, "update_reminded_at")


@dataclass
class MergedCases:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


class Clocks:
    """What the cases' clocks need, read once per run: policies by (segment, priority), each segment's queue,
    each region's working calendar (with its holidays)."""

    def __init__(self) -> None:
        self.policies = {(p.segment_id, p.priority): p for p in SlaPolicy.objects.all()}
        self.queues = {None: queue_of(None)} | {s.pk: queue_of(s) for s in Segment.objects.all()}
        self.calendars = {
            c.region_id: business_hours.Calendar.from_model(c)
            for c in WorkingCalendar.objects.prefetch_related("holidays")
        }

    def set(self, case, *, segment_id, region_id, pauses, now) -> None:
        policy = self.policies.get((segment_id, case.priority)) if segment_id is not None else None
        calendar = (
            calendar_of(policy, self.calendars.get(region_id, business_hours.DEFAULT_CALENDAR))
            if policy is not None
            else None
        )
        set_clock(
            case, policy=policy, queue=self.queues[segment_id], calendar=calendar, pauses=pauses, now=now
        )


class _Case:
    """A staged row: the given values over the existing case's (or the defaults), and its clock."""

    __slots__ = ("line", "source", "external_id", "update_reminded_at", "given", *GIVEN, *CLOCK)

    def __init__(self, line: int, values: dict, old: tuple | None):
        self.line = line
        self.source, self.external_id = values["source"], values["external_id"]
        base = dict(zip(READ, old, strict=True)) if old else {"title": "", "update_reminded_at": None}
        self.given = frozenset(name for name in GIVEN if name in values)
        for name in READ:
            setattr(self, name, values[name] if name in values else base.get(name))


def customers(keys: set[tuple[str, str]]) -> dict[tuple[str, str], SimpleNamespace]:
    """The customers the rows name, by (source, external_id): id, region and segment as plain values (what
    the scope check and the clock need), one query per source."""
    by_source: dict[str, set[str]] = {}
    for source, external_id in keys:
        by_source.setdefault(source, set()).add(external_id)
    found = {}
    for source, external_ids in by_source.items():
        rows = Customer.objects.filter(source=source, external_id__in=external_ids).values_list(
            "external_id", "id", "region_id", "segment_id"
        )
        for key, pk, region_id, segment_id in rows:
            found[(source, key)] = SimpleNamespace(pk=pk, region_id=region_id, segment_id=segment_id)
    return found


def _existing(cursor, rows: list[tuple[int, dict]]) -> dict[tuple[str, str], tuple]:
    """The cases already imported under the rows' keys, (id, *READ) each, locked for this transaction: one
    index scan of (source, external_id) per source."""
    by_source: dict[str, list[str]] = {}
    for _, values in rows:
        by_source.setdefault(values["source"], []).append(values["external_id"])
    columns = ", ".join(f'"{ServiceCase._meta.get_field(name).column}"' for name in READ)
    found = {}
    for source, external_ids in by_source.items():
        cursor.execute(
            f"SELECT external_id, id, {columns} FROM {ServiceCase._meta.db_table} "  # noqa: S608
            "WHERE source = %s AND external_id = ANY(%s) FOR NO KEY UPDATE",
            [source, external_ids],
        )
        for external_id, pk, *old in cursor.fetchall():
            found[(source, external_id)] = (pk, tuple(old))
    return found


def _pauses(case_ids: list[int]) -> dict[int, list]:
    pauses: dict[int, list] = {}
    for case_id, started, ended in WaitingInterval.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "started_at", "ended_at"
    ):
        pauses.setdefault(case_id, []).append((started, ended))
    return pauses


def merge_cases(rows: list[tuple[int, dict, int | None, int]], *, clocks: Clocks) -> MergedCases:
    """Write `rows` ((line, cleaned values with `customer_id`, the customer's segment, its region); unique
    keys) in one COPY and one merge per set of given columns."""
    merged = MergedCases()
    if not rows:
        return merged
    now = timezone.now()
    with connection.cursor() as cursor:
        found = _existing(cursor, [(line, values) for line, values, _, _ in rows])
        staged, changed_ids = [], []
        for line, values, segment_id, region_id in rows:
            old = found.get((values["source"], values["external_id"]))
            case = _Case(line, values, old[1] if old else None)
            if old is not None:
                before = dict(zip(READ, old[1], strict=True))
                if all(getattr(case, name) == before[name] for name in case.given):
                    merged.unchanged += 1
                    continue
                changed_ids.append(old[0])
            staged.append((case, old[0] if old else None, segment_id, region_id))
        pauses = _pauses(changed_ids) if changed_ids else {}
        for case, pk, segment_id, region_id in staged:
            clocks.set(case, segment_id=segment_id, region_id=region_id, pauses=pauses.get(pk, []), now=now)
        if not staged:
            return merged
        _stage(cursor, [case for case, *_ in staged])
        written = []
        for given in sorted({case.given for case, *_ in staged}, key=sorted):
            written += _merge_group(cursor, given=given, now=now)
    line_of = {(case.source, case.external_id): case.line for case, *_ in staged}
    for _source, external_id, inserted in sorted(written, key=lambda item: line_of[item[0], item[1]]):
        (merged.created if inserted else merged.updated).append(external_id)
    merged.unchanged += len(staged) - len(written)
    return merged


def _column(name: str) -> str:
    return ServiceCase._meta.get_field(name).column


STAGED = ("source", "external_id", *GIVEN, *CLOCK)
TEXT = ("source", "external_id", "priority", "title", "queue")


def _stage(cursor, cases: list[_Case]) -> None:
    """The per-session temporary staging table (emptied at each commit, and here before use), filled by COPY
    (CSV written by the C csv writer, as staging.py writes the customers')."""
    columns = ", ".join(
        f'"{_column(name)}" {ServiceCase._meta.get_field(name).db_type(connection)}' for name in STAGED
    )
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} (line integer, given text, {columns}) "
        "ON COMMIT DELETE ROWS"
    )
    cursor.execute(f"TRUNCATE {STAGE}")
    names = ", ".join(f'"{_column(name)}"' for name in STAGED)
    nullable = ", ".join(f'"{_column(name)}"' for name in STAGED if name not in TEXT)
    rows = [
        (case.line, ",".join(sorted(case.given)), *(getattr(case, name) for name in STAGED)) for case in cases
    ]
    cursor.copy_expert(
        f"COPY {STAGE} (line, given, {names}) FROM STDIN WITH (FORMAT csv, FORCE_NULL ({nullable}))",
        _copy_text(rows),
    )


def _merge_group(cursor, *, given: frozenset, now: datetime.datetime) -> list[tuple[str, str, bool]]:
    """One INSERT … ON CONFLICT DO UPDATE for the staged rows giving exactly the columns `given`: a new
    case takes every staged column (what its row does not give is the model's default), an existing one
    only the given columns and its clock."""
    table = ServiceCase._meta.db_table
    staged = [_column(name) for name in STAGED]
    others, params = [], []
    for model_field in ServiceCase._meta.concrete_fields:
        if model_field.primary_key or model_field.column in staged:
            continue
        others.append(f'"{model_field.column}"')
        params.append(model_field.get_db_prep_save(model_field.get_default(), connection))
    written = [f'"{_column(name)}"' for name in (*GIVEN, *CLOCK) if name not in OPTIONAL or name in given]
    insert = ", ".join([*(f'"{column}"' for column in staged), *others])
    select = ", ".join([*(f's."{column}"' for column in staged), *(["%s"] * len(others))])
    sets = ", ".join(f"{column} = EXCLUDED.{column}" for column in written)
    old = ", ".join(f"c.{column}" for column in written)
    new = ", ".join(f"EXCLUDED.{column}" for column in written)
    cursor.execute(
        f"INSERT INTO {table} AS c ({insert}) "  # noqa: S608 - our own names
        f"SELECT {select} FROM {STAGE} s WHERE s.given = %s ORDER BY s.line "
        f"ON CONFLICT (source, external_id) DO UPDATE SET {sets} "
        f"WHERE ROW({old}) IS DISTINCT FROM ROW({new}) "
        "RETURNING c.source, c.external_id, (c.xmax = 0)",
        [*params, ",".join(sorted(given))],
    )
    return cursor.fetchall()
