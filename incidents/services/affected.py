"""Choosing an incident's affected customers: by rule (segment, region, process — every criterion given must
hold) or from a list (a CSV file of customer ids or external ids), inserted set-based.

One `INSERT … SELECT … ON CONFLICT DO NOTHING` per act (per chunk of a list's ids): the customers never travel
through Python, so 50,000 are one statement (bench/incidents.py). Only customers of the incident's regions
that the person sees (`access.visible`) are chosen; a customer already affected is not added twice (a
constraint). Who runs the incident adds customers, while it is open or mitigated (409 otherwise). Each act is a
line on the timeline and an audit event with the count added.
"""

import csv
import io

from django.db import connection, transaction
from django.db.models import DateTimeField, Exists, F, OuterRef, Value
from django.utils import timezone

from exceptions.models import ExceptionRequest
from incidents.lifecycles import ACTIVE
from incidents.models import AffectedCustomer, Incident, IncidentUpdate
from intimacy_ops import access, audit, errors, lifecycle
from segments.models import Customer

LIST_LIMIT = 100_000  # rows in one file
CHUNK = 5_000  # ids per INSERT … SELECT (an IN list every database takes)
RUNNING = (ExceptionRequest.Status.APPROVED, ExceptionRequest.Status.ACTIVE)


def _candidates(incident: Incident, actor):
    """The customers this person may add to this incident: of its regions, within their own scope."""
    return access.visible(actor, Customer).filter(region__in=[r.pk for r in incident.regions.all()])


def _insert(incident: Incident, actor, customers, via: str) -> int:
    """INSERT … SELECT the customers' ids as affected rows; those already there are skipped. Returns how many."""
    now = timezone.now()
    names = ("_incident", "_customer", "_via", "_added_by", "_added_at", "_revenue", "_segment")
    rows = customers.order_by().annotate(
        _incident=Value(incident.pk),
        _customer=F("pk"),
        _via=Value(via),
        _added_by=Value(actor.pk),
        _added_at=Value(now, output_field=DateTimeField()),
        _revenue=F("annual_revenue"),  # what they brought when affected: recovery compares it with now
        _segment=F("segment_id"),
    )
    select_sql, params = rows.values_list(*names).query.sql_with_params()
    table = AffectedCustomer._meta.db_table
    quote = connection.ops.quote_name
    picked = ", ".join(f"picked.{quote(name)}" for name in names)
    with connection.cursor() as cursor:
        # Named columns, whatever order the ORM compiles them in; `WHERE true` lets SQLite read ON CONFLICT.
        cursor.execute(
            f"INSERT INTO {table} (incident_id, customer_id, via, added_by_id, added_at, revenue_at_start, "  # noqa: S608
            "segment_at_start_id) "
            f"SELECT {picked} FROM ({select_sql}) AS picked WHERE true "
            "ON CONFLICT (incident_id, customer_id) DO NOTHING",
            params,
        )
        return max(cursor.rowcount, 0)


def _record(incident: Incident, actor, added: int, described: str) -> None:
    now = timezone.now()
    text = f"{added:,} customer{'s' if added != 1 else ''} added {described}."
    IncidentUpdate.objects.create(
        incident=incident, kind=IncidentUpdate.Kind.NOTE, text=text, author=actor, at=now
    )
    Incident.objects.filter(pk=incident.pk).update(updated_at=now)
    audit.record(
        actor=actor, verb="incident.customers_added", obj=incident, after={"added": added, "how": described}
    )


def _locked_running(incident: Incident, actor) -> Incident:
    access.require(actor, "change", incident)
    incident = Incident.objects.select_for_update(of=("self",)).get(pk=incident.pk)
    lifecycle.require_state(incident, "add customers to", ACTIVE)
    return incident


def add_by_rule(*, incident: Incident, actor, segments=(), regions=(), processes=()) -> int:
    """Add every customer of the incident's regions matching all the criteria given (at least one)."""
    segments, regions, processes = list(segments or []), list(regions or []), list(processes or [])
    if not (segments or regions or processes):
        raise errors.ValidationFailed(
            {"segments": ["Name a segment, a region or a process (or send a list)."]}
        )
    with transaction.atomic():
        incident = _locked_running(incident, actor)
        outside = sorted(r.code for r in regions if r.pk not in {x.pk for x in incident.regions.all()})
        if outside:
            raise errors.ValidationFailed(
                {"regions": [f"Not a region of this incident: {', '.join(outside)}."]}
            )
        customers = _candidates(incident, actor)
        parts = []
        if segments:
            customers = customers.filter(segment__in=[s.pk for s in segments])
            parts.append("segment " + ", ".join(s.name for s in segments))
        if regions:
            customers = customers.filter(region__in=[r.pk for r in regions])
            parts.append("region " + ", ".join(r.code for r in regions))
        if processes:
            running = ExceptionRequest.objects.filter(
                customer=OuterRef("pk"), process__in=[p.pk for p in processes], status__in=RUNNING
            )
            customers = customers.filter(Exists(running))
            parts.append("process " + ", ".join(p.name for p in processes))
        added = _insert(incident, actor, customers, AffectedCustomer.Via.RULE)
        _record(incident, actor, added, "by rule: " + "; ".join(parts))
    return added


def read_list(content: bytes) -> tuple[str, list[str]]:
    """A CSV file's column (`id` or `external_id`) and its values; a bad file is a 400 naming `file`."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise errors.ValidationFailed({"file": ["The file is not UTF-8 text."]}) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    column = next((name for name in ("id", "external_id") if name in header), None)
    if column is None:
        raise errors.ValidationFailed({"file": ["The header needs a column `id` or `external_id`."]})
    original = (reader.fieldnames or [])[header.index(column)]
    values = [(row.get(original) or "").strip() for row in reader]
    values = [value for value in values if value]
    if not values:
        raise errors.ValidationFailed({"file": ["The file names no customer."]})
    if len(values) > LIST_LIMIT:
        raise errors.ValidationFailed({"file": [f"At most {LIST_LIMIT:,} customers in one file."]})
    if column == "id" and not all(value.isdigit() and len(value) < 19 for value in values):
        raise errors.ValidationFailed({"file": ["Every `id` must be a customer's number."]})
    return column, values


def add_from_list(*, incident: Incident, actor, content: bytes) -> int:
    """Add the customers a CSV file names (by `id` or `external_id`). A line naming no customer of the incident's
    regions that you see refuses the whole file (400 naming `file` and the first such values), nothing added."""
    column, values = read_list(content)
    with transaction.atomic():
        incident = _locked_running(incident, actor)
        candidates = _candidates(incident, actor)
        field = "pk" if column == "id" else "external_id"
        wanted = sorted(set(values))
        found: set[str] = set()
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            keys = [int(v) for v in chunk] if field == "pk" else chunk
            found.update(
                str(v) for v in candidates.filter(**{f"{field}__in": keys}).values_list(field, flat=True)
            )
        missing = [value for value in wanted if value not in found]
        if missing:
            shown = ", ".join(missing[:10]) + (
                f" and {len(missing) - 10:,} more" if len(missing) > 10 else ""
            )
            raise errors.ValidationFailed(
                {"file": [f"No customer of this incident's regions that you see has the {column} {shown}."]}
            )
        added = 0
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            keys = [int(v) for v in chunk] if field == "pk" else chunk
            added += _insert(
                incident, actor, candidates.filter(**{f"{field}__in": keys}), AffectedCustomer.Via.LIST
            )
        _record(incident, actor, added, f"from a list of {len(wanted):,}")
    return added
