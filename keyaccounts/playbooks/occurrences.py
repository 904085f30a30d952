"""The plays due each customer, created by the `keyaccounts.plays_due` check (issue 20, item 1).

For each play of each playbook in force, one `INSERT … SELECT … ON CONFLICT DO NOTHING` on the constraint
"one per customer, play and occurrence" creates what its trigger calls for, among the customers following
that version (`PlaybookFollow`); nothing travels through Python, and a second run — even at the same time —
finds every row there already. The occurrence names what triggered it:

- `onboarding:<day>` — the customer entered the tier on that day (its last tier change into it, else its
  creation), on or after the version's effective date and within `LOOKBACK_DAYS`;
- `cadence:<due day>` — every N days from the version's effective date: the occurrence whose period has
  begun (due at the period's end);
- `escalation:<id>` — an escalation about the customer (any subject registered with
  `about.register_customer_subject`, the plays' own aside) raised since the customer follows this version;
- `incident:<id>` — the customer was added to an incident since it follows this version.

The due date is the trigger's day plus the play's `days_to_do`. Renewal dates: customers carry none (CONTRACT
lists no such field), so no play can be triggered by a renewal yet.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, DateTimeField, Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate

from incidents.models import AffectedCustomer
from intimacy_ops.escalations import about
from intimacy_ops.escalations.models import Escalation
from keyaccounts.models import Play, Playbook, PlaybookFollow, PlayDue
from keyaccounts.playbooks.sql import AddDays, insert_select
from segments.models import Customer, SegmentChange

LOOKBACK_DAYS = 30
COLUMNS = ["customer_id", "play_id", "occurrence", "due_on", "status", "note", "created_at"]
NAMES = ["_customer", "_play", "_occurrence", "_due", "_status", "_note", "_created"]
CONFLICT = ["customer_id", "play_id", "occurrence"]


def _insert(rows, play: Play, occurrence, due, now) -> int:
    rows = rows.annotate(
        _play=Value(play.pk),
        _occurrence=occurrence,
        _due=due,
        _status=Value(PlayDue.Status.DUE),
        _note=Value(""),
        _created=Value(now, output_field=DateTimeField()),
    )
    return insert_select(PlayDue, COLUMNS, rows, NAMES, CONFLICT)


def _tag(kind: str, expression) -> Concat:
    return Concat(Value(f"{kind}:"), Cast(expression, CharField()), output_field=CharField())


def _onboarding(play: Play, playbook: Playbook, today: datetime.date, now) -> int:
    entered = Subquery(
        SegmentChange.objects.filter(customer=OuterRef("pk"), to_segment=OuterRef("segment"))
        .order_by("-at")
        .values("at")[:1]
    )
    start = max(playbook.effective_on, today - datetime.timedelta(days=LOOKBACK_DAYS))
    rows = (
        Customer.objects.filter(playbook_follow__playbook=playbook)
        .annotate(_entered=TruncDate(Coalesce(entered, F("created_at"))))
        .filter(_entered__gte=start, _entered__lte=today)
        .annotate(_customer=F("pk"))
    )
    return _insert(
        rows, play, _tag("onboarding", F("_entered")), AddDays(F("_entered"), Value(play.days_to_do)), now
    )


def cadence_due(play: Play, playbook: Playbook, today: datetime.date) -> datetime.date:
    """The due day of the cadence's occurrence whose period has begun: effective date + k × N."""
    periods = (today - playbook.effective_on).days // play.every_days + 1
    return playbook.effective_on + datetime.timedelta(days=periods * play.every_days)


def _cadence(play: Play, playbook: Playbook, today: datetime.date, now) -> int:
    due = cadence_due(play, playbook, today)
    rows = Customer.objects.filter(playbook_follow__playbook=playbook).annotate(_customer=F("pk"))
    return _insert(rows, play, Value(f"cadence:{due.isoformat()}"), Value(due), now)


def _since_following(playbook: Playbook, at: str) -> Exists:
    return Exists(
        PlaybookFollow.objects.filter(
            customer_id=OuterRef("_customer"), playbook=playbook, since_at__lte=OuterRef(at)
        )
    )


def _escalation(play: Play, playbook: Playbook, today: datetime.date, now) -> int:
    made = 0
    recent = today - datetime.timedelta(days=LOOKBACK_DAYS)
    for model, lookup in about.customer_subjects():
        if model is PlayDue:  # an overdue play's own escalation triggers no play
            continue
        rows = (
            Escalation.objects.filter(
                content_type=ContentType.objects.get_for_model(model), raised_at__date__gte=recent
            )
            .annotate(
                _customer=Subquery(model._default_manager.filter(pk=OuterRef("object_id")).values(lookup)[:1])
            )
            .filter(_since_following(playbook, "raised_at"))
        )
        made += _insert(
            rows,
            play,
            _tag("escalation", F("pk")),
            AddDays(TruncDate("raised_at"), Value(play.days_to_do)),
            now,
        )
    return made


def _incident(play: Play, playbook: Playbook, today: datetime.date, now) -> int:
    recent = today - datetime.timedelta(days=LOOKBACK_DAYS)
    rows = (
        AffectedCustomer.objects.filter(added_at__date__gte=recent)
        .annotate(_customer=F("customer_id"))
        .filter(_since_following(playbook, "added_at"))
    )
    return _insert(
        rows,
        play,
        _tag("incident", F("incident_id")),
        AddDays(TruncDate("added_at"), Value(play.days_to_do)),
        now,
    )


TRIGGERS = {
    Play.Trigger.ONBOARDING: _onboarding,
    Play.Trigger.CADENCE: _cadence,
    Play.Trigger.ESCALATION: _escalation,
    Play.Trigger.INCIDENT: _incident,
}


def create_due_plays(current: dict[int, int], today: datetime.date, now) -> int:
    """Every play due now of every playbook in force, once per customer and occurrence: how many new."""
    made = 0
    for play in Play.objects.filter(playbook_id__in=list(current.values())).select_related("playbook"):
        made += TRIGGERS[play.trigger](play, play.playbook, today, now)
    return made
