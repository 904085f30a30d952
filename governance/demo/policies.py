"""Demo threshold policies ("standardize or sunset"), then one evaluation so the demo shows what they open.
Idempotent: policies are found by name; the evaluation opens nothing already open."""

from exceptions.models import Process
from governance.models import ThresholdPolicy
from governance.services import evaluation, policies
from intimacy_ops import seeding
from intimacy_ops.accounts.models import User

BUDGET_PROCESS = "Warehouse picking and shipping"


def _demo_policies() -> list[dict]:
    process = Process.objects.filter(name=BUDGET_PROCESS).first()
    plans = [
        {
            "name": "Standardize when 3 customers share a deviation",
            "scope": ThresholdPolicy.Scope.GLOBAL,
            "min_similar_customers": 3,
        },
        {
            "name": "Sunset review 30 days before expiry",
            "scope": ThresholdPolicy.Scope.GLOBAL,
            "sunset_lead_days": 30,
        },
    ]
    if process is not None:
        plans.append(
            {
                "name": f"Exception budget: {BUDGET_PROCESS}",
                "scope": ThresholdPolicy.Scope.PROCESS,
                "process": process,
                "max_active_exceptions": 1,
                "max_age_days": 365,
            }
        )
    return plans


@seeding.register(name="threshold policies (standardize or sunset)", order=58)
def seed_threshold_policies() -> str:
    carol = User.objects.get(username="ccb.carol")
    created = 0
    for plan in _demo_policies():
        if not ThresholdPolicy.objects.filter(name=plan["name"]).exists():
            policies.create_policy(actor=carol, **plan)
            created += 1
    summary = evaluation.evaluate_threshold_policies()
    return f"{ThresholdPolicy.objects.count()} threshold policies ({created} new); evaluated: {summary}"
