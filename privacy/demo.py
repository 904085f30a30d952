"""Demo retention policies (seed_demo). Idempotent: an existing policy is left as a person set it."""

from intimacy_ops import seeding
from privacy.models import RetentionPolicy
from privacy.retention import kinds

POLICIES = [
    # kind, action, months, why
    ("closed_cases", "anonymize", 24, "Case titles may name people: blank them two years after resolution."),
    (
        "import_rejected_rows",
        "delete",
        6,
        "Rejected rows hold raw file lines: six months to correct them is plenty.",
    ),
    ("access_log", "delete", 84, "Keep the access log seven years, then delete it."),
]


@seeding.register(name="retention policies", order=30)
def seed_retention_policies() -> str:
    created = 0
    for kind, action, months, why in POLICIES:
        if kinds.get(kind) is None:
            continue  # the kind's model is not there (yet)
        _, was_created = RetentionPolicy.objects.get_or_create(
            kind=kind, action=action, defaults={"keep_months": months, "description": why}
        )
        created += was_created
    return f"{created} retention policies created, {RetentionPolicy.objects.count()} in all"
