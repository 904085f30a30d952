"""What a customer link shows: the customer's terms in plain words (issue 20, item 4).

Built as plain dictionaries of exactly the fields a customer may read, so the template cannot reach a model
and print what it must never show: costs, risk, justification, internal notes, other customers, sensitive
fields. The tier and what it includes; SLA commitments per priority with the business hours that apply; the
approved variations (what is done differently, from when, until when); the open cases with their due times.
"""

from django.db.models import F

from exceptions.models import ExceptionRequest
from segments.case_rows import case_row, human_minutes
from segments.models import ServiceCase, SlaPolicy, WorkingCalendar

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SHOWN_VARIATIONS = (ExceptionRequest.Status.APPROVED, ExceptionRequest.Status.ACTIVE)


def _hours(region_id: int) -> str:
    calendar = WorkingCalendar.objects.filter(region_id=region_id).first()
    if calendar is None or not calendar.weekdays:
        return "around the clock"
    days = sorted(calendar.weekdays)
    span = (
        f"{WEEKDAYS[days[0]]} to {WEEKDAYS[days[-1]]}"
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 1
        else ", ".join(WEEKDAYS[day] for day in days)
    )
    return f"{span}, {calendar.day_starts:%H:%M}–{calendar.day_ends:%H:%M} ({calendar.timezone})"


def terms(customer) -> dict:
    segment = customer.segment
    business_hours = _hours(customer.region_id)
    commitments = []
    if segment is not None:
        for policy in SlaPolicy.objects.filter(segment=segment).order_by("priority"):
            always = policy.clock == SlaPolicy.Clock.ALWAYS
            commitments.append(
                {
                    "priority": policy.priority,
                    "priority_label": policy.get_priority_display(),
                    "first_response": human_minutes(policy.first_response_minutes),
                    "resolution": human_minutes(policy.resolution_minutes),
                    "clock": "around the clock" if always else f"business hours: {business_hours}",
                }
            )
    variations = [
        {
            "title": row["title"],
            "what": row["deviation"],
            "process": row["process_name"],
            "from": row["starts_on"],
            "until": row["expires_on"],
        }
        for row in ExceptionRequest.objects.filter(customer=customer, status__in=SHOWN_VARIATIONS)
        .annotate(process_name=F("process__name"))
        .order_by("starts_on", "id")
        .values("title", "deviation", "process_name", "starts_on", "expires_on")
    ]
    open_cases = []
    for case in ServiceCase.objects.filter(customer=customer, resolved_at__isnull=True).order_by(
        "opened_at", "id"
    ):
        row = case_row(case)
        open_cases.append(
            {
                "reference": case.external_id,
                "title": case.title,
                "priority": case.priority,
                "opened_at": case.opened_at,
                "response": row.response.text,
                "response_at": row.response.at,
                "resolution": row.resolution.text,
                "resolution_at": row.resolution.at,
            }
        )
    return {
        "name": customer.name,
        "tier": segment.name if segment else None,
        "tier_includes": (segment.description if segment else "") or "",
        "dedicated_team": (segment.dedicated_team if segment else "") or "",
        "business_hours": business_hours,
        "commitments": commitments,
        "variations": variations,
        "open_cases": open_cases,
    }
