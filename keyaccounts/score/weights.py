"""The health score's weights per region, versioned (keyaccounts.models.HealthWeights).

A change never edits a version: `set_weights` writes the next one (who, when, why) after checking that the
person may (an operations lead of the region, an administrator: keyaccounts/score/access_rules.py) and that
nobody saved another version since the one they edited (`based_on`: else a 409, nothing written). A region
without any version scores with the model's defaults.
"""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from intimacy_ops import access, audit, errors
from intimacy_ops.accounts.models import Region
from keyaccounts.models import HealthWeights

FIELDS = (*HealthWeights.WEIGHTS, "at_risk_below")
MAX_NOTE = 500


def defaults() -> dict[str, int]:
    return {name: HealthWeights._meta.get_field(name).default for name in FIELDS}


def current_by_region() -> dict[int, HealthWeights]:
    """The newest version of every region that has one (two queries)."""
    newest = HealthWeights.objects.values("region_id").annotate(v=Max("version")).order_by()
    wanted = {(row["region_id"], row["v"]) for row in newest}
    if not wanted:
        return {}
    rows = HealthWeights.objects.filter(region_id__in={region for region, _ in wanted})
    return {row.region_id: row for row in rows if (row.region_id, row.version) in wanted}


def current(region_id: int) -> HealthWeights | None:
    return HealthWeights.objects.filter(region_id=region_id).order_by("-version").first()


def values_of(weights: HealthWeights | None) -> dict[str, int]:
    return {name: getattr(weights, name) for name in FIELDS} if weights else defaults()


def problems(values: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in FIELDS:
        value = values.get(name)
        low = 1 if name == "at_risk_below" else 0
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= 100:
            found[name] = [f"A whole number from {low} to 100."]
    if len(values.get("note") or "") > MAX_NOTE:
        found["note"] = [f"At most {MAX_NOTE} characters."]
    return found


def set_weights(
    *, actor, region: Region, values: dict, based_on: int | None = None, note: str = ""
) -> HealthWeights:
    """Save a region's new weights as its next version (the next scoring run uses them)."""
    access.require(actor, "set_health_weights", region)
    found = problems({**values, "note": note})
    if found:
        raise errors.ValidationFailed(found)
    try:
        with transaction.atomic():
            before = current(region.pk)
            latest = before.version if before else 0
            if based_on is not None and based_on != latest:
                raise errors.Conflict(
                    f"Someone saved version {latest} of {region.code}'s weights after the version {based_on} "
                    "you edited: reload and apply your change again."
                )
            weights = HealthWeights.objects.create(
                region=region,
                version=latest + 1,
                note=note.strip(),
                set_by=actor,
                set_at=timezone.now(),
                **{name: values[name] for name in FIELDS},
            )
            audit.record(
                actor=actor,
                verb="health_weights.set",
                obj=weights,
                before=values_of(before),
                after=values_of(weights),
                comment=note.strip(),
            )
    except IntegrityError:  # two saves of the same next version at once: the second is the late one
        raise errors.Conflict(
            "Someone saved these weights at the same moment: reload and try again."
        ) from None
    return weights


def history(region_id: int):
    """Every version of a region, newest first, each with what changed from the one before."""
    rows = list(
        HealthWeights.objects.filter(region_id=region_id).select_related("set_by").order_by("-version")
    )
    for newer, older in zip(rows, [*rows[1:], None], strict=False):  # the oldest has none before it
        before = values_of(older)
        newer.changes = [
            (name, before[name], getattr(newer, name))
            for name in FIELDS
            if older is not None and before[name] != getattr(newer, name)
        ]
    return rows
