"""Feedback import files (CONTRACT.md, "Import files": `import_data feedback FILE` and the upload page).

Columns: `source`, `external_id` (the item's key in the system it comes from: idempotent by the pair),
`customer_source`, `customer_external_id` (the customer's key), `channel` (the API's feedback `source`:
`nps_survey`, …), `received_on` (ISO date); optional `score` (per channel: NPS 0–10, CES 1–7, none
otherwise), `text`, `process` (a process's name). Same rules as customers and cases: each batch in one
transaction, bad rows kept with their errors, progress, a second import of the same file `created 0`.
A written row gets its sentiment as a recorded item does (only with the customer's consent); a row whose
text changed gets a fresh suggestion, waiting for a person again if unsure (none while the customer is held:
paused, feedback/holds.py). The `text` cell of a rejected
row is the customer's confidential data: masked like the customer's own fields.
"""

import datetime

from django.utils import timezone

from exceptions.models import Process
from feedback import holds
from feedback.models import FeedbackItem, Source
from feedback.services import items as services
from segments.imports import columns, validation
from segments.imports.writing import Importer
from segments.models import Customer

SENTIMENT_FIELDS = (
    "sentiment",
    "sentiment_score",
    "sentiment_confidence",
    "sentiment_rationale",
    "sentiment_machine_suggested",
    "sentiment_needs_confirmation",
    "sentiment_paused_reason",
)
FIELDS = ("customer_id", "source", "score", "text", "received_on", "process_id")


def _key_text(row: dict, column: str, problems, *, max_length: int) -> str:
    value = validation.text(row.get(column))
    if not value:
        problems.add(column, "Required: this cell is empty.")
    elif len(value) > max_length:
        problems.add(column, f"At most {max_length} characters (this has {len(value)}).")
    return value


def _score(raw: str, problems) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        problems.add("score", f"'{raw}' is not a whole number.")
        return None


def clean_feedback(row: dict, refs) -> tuple[dict, validation.Problems]:
    problems = validation.Problems()
    values: dict = {
        "source": _key_text(row, "source", problems, max_length=40),
        "external_id": _key_text(row, "external_id", problems, max_length=100),
        "customer_source": _key_text(row, "customer_source", problems, max_length=40),
        "customer_external_id": _key_text(row, "customer_external_id", problems, max_length=100),
    }
    channel = validation.text(row.get("channel"))
    if not channel:
        problems.add("channel", "Required: this cell is empty.")
    elif channel not in Source.values:
        problems.add("channel", f"'{channel}' is not a feedback source: use {', '.join(Source.values)}.")
    values["channel"] = channel
    raw_day = validation.text(row.get("received_on"))
    day = None
    if not raw_day:
        problems.add("received_on", "Required: this cell is empty.")
    else:
        try:
            day = datetime.date.fromisoformat(raw_day)
        except ValueError:
            problems.add("received_on", f"'{raw_day}' is not an ISO date, e.g. 2026-11-30.")
        else:
            if day > timezone.localdate():
                problems.add("received_on", "Cannot be in the future.")
    values["received_on"] = day
    score = _score(validation.text(row.get("score")), problems)
    if "score" not in problems and channel in Source.values:
        for message in services.score_problems(channel, score):
            problems.add("score", message)
    values["score"] = score
    text = validation.text(row.get("text"))
    if len(text) > services.MAX_TEXT:
        problems.add("text", f"At most {services.MAX_TEXT} characters (this has {len(text)}).")
    values["text"] = text
    values["process"] = validation.text(row.get("process"))
    return values, problems


class FeedbackImporter(Importer):
    model = FeedbackItem
    customer_key = ("customer_source", "customer_external_id")

    def clean(self, row):
        return clean_feedback(row, self.refs)

    def existing(self, keys, *, only):
        by_source: dict[str, list[str]] = {}
        for source, external_id in keys:
            by_source.setdefault(source, []).append(external_id)
        found = {}
        for source, external_ids in by_source.items():
            rows = (
                FeedbackItem.objects.select_for_update()
                .filter(import_source=source, external_id__in=external_ids)
                .only("id", "import_source", "external_id", *only)
            )
            found.update({(row.import_source, row.external_id): row for row in rows})
        return found

    def _customers(self, cleaned) -> dict:
        by_source: dict[str, set[str]] = {}
        for row in cleaned:
            by_source.setdefault(row.values["customer_source"], set()).add(row.values["customer_external_id"])
        found = {}
        for source, external_ids in by_source.items():
            rows = Customer.objects.filter(source=source, external_id__in=external_ids).only(
                "id", "source", "external_id", "region_id", "consent_sentiment"
            )
            found.update({(c.source, c.external_id): c for c in rows})
        return found

    def _processes(self, cleaned) -> dict[str, int]:
        names = {row.values["process"] for row in cleaned if row.values["process"]}
        return dict(Process.objects.filter(name__in=names).values_list("name", "id")) if names else {}

    def write(self, cleaned, tally):
        customers, processes = self._customers(cleaned), self._processes(cleaned)
        usable = []
        for row in cleaned:
            values = row.values
            customer = customers.get((values["customer_source"], values["customer_external_id"]))
            problems = {}
            if customer is None or not self.refs.in_scope(customer.region_id):
                key = f"{values['customer_source']}:{values['customer_external_id']}"
                problems["customer_external_id"] = [
                    f"No customer {key}: import the customer first, or correct the key."
                ]
            if values["process"] and values["process"] not in processes:
                problems["process"] = [f"No process named '{values['process']}'."]
            if problems:
                tally.rejected.append(self.rejection(row.raw, problems))
                continue
            tally.regions.add(customer.region_id)
            usable.append((row, customer))
        found = self.existing([row.key for row, _ in usable], only=(*FIELDS, *SENTIMENT_FIELDS))
        held = holds.reasons_for(customer.pk for _, customer in usable)  # one question for the batch
        new, changed, changed_fields = [], [], set()
        for row, customer in usable:
            source, external_id = row.key
            values = {
                "customer_id": customer.pk,
                "source": row.values["channel"],
                "score": row.values["score"],
                "text": row.values["text"],
                "received_on": row.values["received_on"],
                "process_id": processes.get(row.values["process"]),
            }
            item = found.get(row.key)
            if item is None:
                new.append(
                    FeedbackItem(
                        import_source=source,
                        external_id=external_id,
                        created_by=self.refs.actor,
                        **values,
                        **services.sentiment_values(customer, values["text"], held=held.get(customer.pk, "")),
                    )
                )
                tally.created.append(external_id)
                continue
            differing = [name for name, value in values.items() if getattr(item, name) != value]
            if not differing:
                tally.unchanged += 1
                continue
            for name in differing:
                setattr(item, name, values[name])
            if "text" in differing or "customer_id" in differing:
                # New words, new suggestion: a person's earlier confirmation was about other words.
                paused = held.get(customer.pk, "")
                for name, value in services.sentiment_values(customer, values["text"], held=paused).items():
                    setattr(item, name, value)
                item.sentiment_confirmed, item.sentiment_confirmed_by, item.sentiment_confirmed_at = (
                    False,
                    None,
                    None,
                )
                item.sentiment_corrected_from = ""
                differing += [
                    *SENTIMENT_FIELDS,
                    "sentiment_confirmed",
                    "sentiment_confirmed_by",
                    "sentiment_confirmed_at",
                    "sentiment_corrected_from",
                ]
            item.updated_at = timezone.now()
            changed.append(item)
            changed_fields.update(differing)
            tally.updated.append(external_id)
        FeedbackItem.objects.bulk_create(new)
        if changed:
            FeedbackItem.objects.bulk_update(changed, [*sorted(changed_fields), "updated_at"])


FEEDBACK = columns.register(
    columns.FileSpec(
        kind="feedback",
        label="Feedback",
        required=(
            "source",
            "external_id",
            "customer_source",
            "customer_external_id",
            "channel",
            "received_on",
        ),
        optional=("score", "text", "process"),
        importer=FeedbackImporter,
        masked={"text": lambda customer: FeedbackItem(customer=customer)},
    )
)
