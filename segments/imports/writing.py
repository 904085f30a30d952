"""Writing an import's rows: each batch in one transaction, idempotent by (source, external id).

Customers on PostgreSQL: the batch's valid rows are COPYed into a staging table and merged in one
statement, which also classifies them and records their segment moves (staging.py). Otherwise (SQLite,
and cases): new rows are inserted with `bulk_create`, changed rows written with `bulk_update`, unchanged
rows not written at all. Bad rows are kept as `ImportRejectedRow` with their errors; the run's counts and
progress move on, and one audit event records what the batch did. A cases import computes each written case's
due times, breach state and queue as it writes it.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from intimacy_ops import audit
from segments.imports import case_staging, staging, validation
from segments.imports.reading import RawRow
from segments.models import Customer, ImportRejectedRow, ImportRun, ServiceCase
from segments.services import classification
from segments.services.sla import reclock_open_cases, refresh_clock

CUSTOMER_FIELDS = (
    "name",
    "region_id",
    "account_manager_id",
    "annual_revenue",
    "strategic_value",
    "support_complexity",
    "lifetime_value",
    "contact_email",
    "personal_notes",
)
CASE_FIELDS = ("customer_id", "priority", "opened_at", "first_response_at", "resolved_at", "title")
CLOCK_FIELDS = ("response_due_at", "resolution_due_at", "breached", "queue", "update_reminder_at")
OUT_OF_SCOPE = "This customer belongs to a region you do not work in."
_LOCK_KEYS = {"customers": 0x1A7C01, "cases": 0x1A7C02}


@dataclass
class Tally:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[ImportRejectedRow] = field(default_factory=list)
    regions: set[int] = field(default_factory=set)  # of the customers the written or unchanged rows describe


@dataclass
class Cleaned:
    raw: RawRow
    values: dict

    @property
    def key(self) -> tuple[str, str]:
        return self.values["source"], self.values["external_id"]


class _Importer:
    """Turns batches of raw rows into writes. Subclasses say how to clean, find, compare and write a kind."""

    model = None
    fields: tuple[str, ...] = ()

    @property
    def lock_key(self) -> int:
        """The advisory lock two imports of this kind take turns on, batch by batch."""
        return _LOCK_KEYS.get(self.run.kind) or 0x1A7C00 + sum(map(ord, self.run.kind))

    def __init__(self, run: ImportRun, refs: validation.References, *, unit: str = "line"):
        self.run = run
        self.refs = refs
        self.unit = unit  # how the file counts rows: CSV lines or JSON items
        self.batch_number = 0
        self.rows_seen = 0
        # Fingerprint of each key seen → its line, so a key given twice in one file is caught (8 bytes a row).
        self.seen: dict[int, int] = {}
        self.moved = 0  # customers whose segment the batches changed (PostgreSQL's merge classifies)

    def clean(self, row: dict) -> tuple[dict, dict]:
        raise NotImplementedError

    def handle(self, rows: list[RawRow], *, position: int) -> None:
        self.batch_number += 1
        self.rows_seen += len(rows)
        tally = Tally()
        cleaned: list[Cleaned] = []
        for raw in rows:
            values, problems = self.clean(raw.data)
            # What is wrong with the cell itself (a NUL, a list) is all there is to say about its column.
            problems.update(raw.problems)
            if not problems:
                fingerprint = hash((values["source"], values["external_id"]))
                first = self.seen.get(fingerprint)
                if first is not None:
                    problems["external_id"] = [
                        f"{values['source']}:{values['external_id']} appears again: first given on "
                        f"{self.unit} {first} of this file."
                    ]
                else:
                    self.seen[fingerprint] = raw.line
            if problems:
                tally.rejected.append(self.rejection(raw, problems))
            else:
                cleaned.append(Cleaned(raw=raw, values=values))
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Two imports of the same kind at once take turns batch by batch instead of racing on new keys.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [self.lock_key])
            # Write before reading: on SQLite a transaction that reads first cannot wait for the write lock.
            ImportRun.objects.filter(pk=self.run.pk).update(
                rows_seen=self.rows_seen, processed_bytes=position
            )
            self.write(cleaned, tally)
            self.place(tally.rejected)
            ImportRejectedRow.objects.bulk_create(tally.rejected)
            touched = tally.regions | {row.region_id for row in tally.rejected if row.region_id}
            if touched:
                self.run.regions.add(*touched)
            ImportRun.objects.filter(pk=self.run.pk).update(
                created=F("created") + len(tally.created),
                updated=F("updated") + len(tally.updated),
                unchanged=F("unchanged") + tally.unchanged,
                rejected=F("rejected") + len(tally.rejected),
            )
            audit.record(
                actor=self.refs.actor,
                verb="import.batch",
                obj=self.run,
                after={
                    "kind": self.run.kind,
                    "batch": self.batch_number,
                    "lines": f"{rows[0].line}–{rows[-1].line}",
                    "created": len(tally.created),
                    "updated": len(tally.updated),
                    "unchanged": tally.unchanged,
                    "rejected": len(tally.rejected),
                    "created_ids": tally.created,
                    "updated_ids": tally.updated,
                },
            )

    def rejection(self, raw: RawRow, problems: dict) -> ImportRejectedRow:
        return ImportRejectedRow(run=self.run, line=raw.line, data=raw.data, errors=dict(problems))

    def place(self, rejected: list[ImportRejectedRow]) -> None:
        """Tie each rejected row to the customer it names, if that exists, and to a region: the customer's,
        else the one its `region` cell names (a customers row). Who sees the row, and its sensitive cells,
        follows from them."""
        source_column, id_column = self.customer_key
        wanted: dict[str, set[str]] = {}
        for row in rejected:
            wanted.setdefault(validation.text(row.data.get(source_column)), set()).add(
                validation.text(row.data.get(id_column))
            )
        found: dict[tuple[str, str], tuple[int, int]] = {}
        for source, external_ids in wanted.items():
            rows = Customer.objects.filter(source=source, external_id__in=external_ids)
            for key_source, key_id, pk, region_id in rows.values_list(
                "source", "external_id", "id", "region_id"
            ):
                found[(key_source, key_id)] = (pk, region_id)
        for row in rejected:
            key = (validation.text(row.data.get(source_column)), validation.text(row.data.get(id_column)))
            if key in found:
                row.customer_id, row.region_id = found[key]
            elif self.customer_key == ("source", "external_id"):
                row.region_id = self.refs.regions.get(
                    validation.text(row.data.get("region")).upper(), (None,)
                )[0]

    def existing(self, keys: list[tuple[str, str]], *, only: tuple[str, ...]) -> dict:
        """The records already imported under these keys, locked for this transaction."""
        by_source: dict[str, list[str]] = {}
        for source, external_id in keys:
            by_source.setdefault(source, []).append(external_id)
        found = {}
        for source, external_ids in by_source.items():
            rows = (
                self.model.objects.select_for_update()
                .filter(source=source, external_id__in=external_ids)
                .only("id", "source", "external_id", *only)
            )
            found.update({(row.source, row.external_id): row for row in self.prepare(rows)})
        return found

    def prepare(self, queryset):
        return queryset

    def write(self, cleaned: list[Cleaned], tally: Tally) -> None:
        raise NotImplementedError


Importer = _Importer  # what another app's importer subclasses (its kind registered in columns.SPECS)


class CustomerImporter(_Importer):
    model = Customer
    customer_key = ("source", "external_id")  # the columns that name the customer a row describes

    def clean(self, row):
        return validation.clean_customer(row, self.refs)

    def write(self, cleaned, tally):
        if connection.vendor == "postgresql":
            self.merge(cleaned, tally)
        else:
            self.write_rows(cleaned, tally)

    def write_rows(self, cleaned, tally):
        """SQLite (and the benchmark's baseline): the records read, compared and written through the ORM."""
        found = self.existing([row.key for row in cleaned], only=(*CUSTOMER_FIELDS, "updated_at"))
        new, changed, changed_fields = [], [], set()
        now = timezone.now()
        for row in cleaned:
            source, external_id = row.key
            values = {name: value for name, value in row.values.items() if name in CUSTOMER_FIELDS}
            customer = found.get(row.key)
            if customer is None:
                tally.regions.add(values["region_id"])
                new.append(Customer(source=source, external_id=external_id, **values))
                tally.created.append(external_id)
                continue
            if not self.refs.in_scope(customer.region_id):
                tally.rejected.append(self.rejection(row.raw, {"external_id": [OUT_OF_SCOPE]}))
                continue
            tally.regions.update({customer.region_id, values["region_id"]})
            differing = [name for name, value in values.items() if getattr(customer, name) != value]
            if not differing:
                tally.unchanged += 1
                continue
            for name in differing:
                setattr(customer, name, values[name])
            customer.updated_at = now
            changed.append(customer)
            changed_fields.update(differing)
            tally.updated.append(external_id)
        Customer.objects.bulk_create(new)
        if changed:
            Customer.objects.bulk_update(changed, [*sorted(changed_fields), "updated_at"])

    def classify(self) -> staging.Classify | None:
        """The segments' thresholds, read once per run: the merge puts each written row in its segment."""
        if not hasattr(self, "_classify"):
            thresholds = classification.current_thresholds()
            self._classify = thresholds and staging.Classify(
                thresholds=thresholds,
                actor_id=getattr(self.refs.actor, "pk", None),
                reason=classification.import_reason(self.run),
            )
        return self._classify or None

    def merge(self, cleaned, tally):
        """PostgreSQL: the same outcome in one COPY and one set-based merge (staging.py), which also
        classifies the rows it writes (the run's closing reclassification then finds them in place)."""
        classify = self.classify()
        if classify:
            classification.lock_classification()
        merged = staging.merge_customers(
            [(row.raw.line, row.values) for row in cleaned],
            fields=CUSTOMER_FIELDS,
            allowed_regions=self.refs.allowed_region_ids,
            classify=classify,
        )
        self.moved += merged.moved
        if merged.moved_existing:  # their open cases follow the new tier's SLA policy
            reclock_open_cases(ServiceCase.objects.filter(customer_id__in=merged.moved_existing))
        for row in cleaned:
            if row.raw.line in merged.out_of_scope:
                tally.rejected.append(self.rejection(row.raw, {"external_id": [OUT_OF_SCOPE]}))
            else:
                tally.regions.add(row.values["region_id"])
        tally.regions |= merged.old_regions
        tally.created.extend(merged.created)
        tally.updated.extend(merged.updated)
        tally.unchanged += merged.unchanged


class CaseImporter(_Importer):
    model = ServiceCase
    customer_key = ("customer_source", "customer_external_id")

    def clean(self, row):
        return validation.clean_case(row, self.refs)

    def prepare(self, queryset):
        return queryset.prefetch_related("waiting")

    def customers(self, cleaned: list[Cleaned]) -> dict[tuple[str, str], Customer]:
        """The customers the cases belong to, with what their SLA clock needs (segment, region, calendar)."""
        by_source: dict[str, set[str]] = {}
        for row in cleaned:
            by_source.setdefault(row.values["customer_source"], set()).add(row.values["customer_external_id"])
        found = {}
        for source, external_ids in by_source.items():
            rows = (
                Customer.objects.filter(source=source, external_id__in=external_ids)
                .select_related("segment", "region__calendar")
                .prefetch_related("region__calendar__holidays")
            )
            found.update({(c.source, c.external_id): c for c in rows})
        return found

    def write(self, cleaned, tally):
        if connection.vendor == "postgresql":
            self.merge(cleaned, tally)
        else:
            self.write_rows(cleaned, tally)

    def known(self, cleaned: list[Cleaned], customers: dict, tally: Tally) -> list[Cleaned]:
        """The rows whose customer exists in the importer's regions (`customers`: key → an object with
        `region_id`); the others are rejected, naming the key."""
        usable = []
        for row in cleaned:
            customer = customers.get((row.values["customer_source"], row.values["customer_external_id"]))
            if customer is None or not self.refs.in_scope(customer.region_id):
                key = f"{row.values['customer_source']}:{row.values['customer_external_id']}"
                tally.rejected.append(
                    self.rejection(
                        row.raw,
                        {
                            "customer_external_id": [
                                f"No customer {key}: import the customer first, or correct the key."
                            ]
                        },
                    )
                )
                continue
            row.values["customer"] = customer
            tally.regions.add(customer.region_id)
            usable.append(row)
        return usable

    def merge(self, cleaned, tally):
        """PostgreSQL: the customers named read as plain values, the cases compared, clocked, COPYed and
        merged set-based (case_staging.py)."""
        if not hasattr(self, "_clocks"):
            self._clocks = case_staging.Clocks()  # policies, queues, calendars: once per run
        customers = case_staging.customers(
            {(row.values["customer_source"], row.values["customer_external_id"]) for row in cleaned}
        )
        usable = self.known(cleaned, customers, tally)
        merged = case_staging.merge_cases(
            [
                (
                    row.raw.line,
                    {
                        "source": row.values["source"],
                        "external_id": row.values["external_id"],
                        "customer_id": row.values["customer"].pk,
                        **{name: row.values[name] for name in CASE_FIELDS if name in row.values},
                    },
                    row.values["customer"].segment_id,
                    row.values["customer"].region_id,
                )
                for row in usable
            ],
            clocks=self._clocks,
        )
        tally.created.extend(merged.created)
        tally.updated.extend(merged.updated)
        tally.unchanged += merged.unchanged

    def write_rows(self, cleaned, tally):
        """SQLite (and the benchmark's baseline): the cases read, compared and written through the ORM."""
        usable = self.known(cleaned, self.customers(cleaned), tally)
        found = self.existing(
            [row.key for row in usable], only=(*CASE_FIELDS, *CLOCK_FIELDS, "update_reminded_at")
        )
        new, changed, changed_fields = [], [], set()
        for row in usable:
            source, external_id = row.key
            customer = row.values["customer"]
            values = {name: row.values[name] for name in CASE_FIELDS if name in row.values}
            values["customer_id"] = customer.pk
            case = found.get(row.key)
            if case is None:
                case = ServiceCase(source=source, external_id=external_id, **values)
                case.customer = customer
                new.append(refresh_clock(case))
                tally.created.append(external_id)
                continue
            differing = [name for name, value in values.items() if getattr(case, name) != value]
            if not differing:
                tally.unchanged += 1
                continue
            for name in differing:
                setattr(case, name, values[name])
            case.customer = customer
            changed.append(refresh_clock(case))
            changed_fields.update(differing)
            tally.updated.append(external_id)
        ServiceCase.objects.bulk_create(new)
        if changed:
            ServiceCase.objects.bulk_update(changed, [*sorted(changed_fields), *CLOCK_FIELDS])
