"""Which playbook each customer follows, kept by the `keyaccounts.plays_due` check (issue 20, item 1).

A customer follows its tier's current playbook: the highest version whose effective date has come. New
customers of a tier with a playbook get a `PlaybookFollow` row (one `INSERT … SELECT … ON CONFLICT DO
NOTHING` per tier). A customer whose tier changed, or whose tier's new version came into effect, *moves*:
in locked batches (`SKIP LOCKED`, keyed by account manager) their open plays of the old version are closed as
`moved` (`lifecycle.apply_many`: one guarded UPDATE, one audit batch), done and skipped plays stay as they are,
a `PlaybookMove` row records the difference (plays added and dropped, by title) for the customer's page, and
each account manager hears once per run. The new version's plays are then created like anyone's
(keyaccounts/playbooks/occurrences.py).
"""

import datetime

from django.db.models import DateTimeField, F, Q, Value

from intimacy_ops import audit, checks, lifecycle
from intimacy_ops.bulk_insert import insert_rows
from intimacy_ops.notifications import notify_many
from keyaccounts.models import Play, Playbook, PlaybookFollow, PlaybookMove, PlayDue
from keyaccounts.playbooks.sql import insert_select
from segments.models import Customer

BATCH_SIZE = 500


def current_playbooks(today: datetime.date) -> dict[int, int]:
    """Per tier id, the id of the playbook version in force today (tiers without one are absent)."""
    found: dict[int, int] = {}
    for segment_id, pk in (
        Playbook.objects.filter(effective_on__lte=today)
        .order_by("segment_id", "-version")
        .values_list("segment_id", "pk")
    ):
        found.setdefault(segment_id, pk)
    return found


def follow_new_customers(current: dict[int, int], now) -> int:
    """Customers of a tier with a playbook and no follow row yet start following its current version."""
    added = 0
    for segment_id, playbook_id in current.items():
        newcomers = Customer.objects.filter(segment_id=segment_id, playbook_follow__isnull=True).annotate(
            _customer=F("pk"),
            _playbook=Value(playbook_id),
            _since=Value(now, output_field=DateTimeField()),
        )
        added += insert_select(
            PlaybookFollow,
            ["customer_id", "playbook_id", "since_at"],
            newcomers,
            ["_customer", "_playbook", "_since"],
            ["customer_id"],
        )
    return added


def _off_their_playbook(current: dict[int, int]) -> Q:
    """Follow rows whose customer's tier now has another current playbook (or none)."""
    off = Q(customer__segment__isnull=True, playbook__isnull=False)
    for segment_id, playbook_id in current.items():
        off |= Q(customer__segment_id=segment_id) & (~Q(playbook_id=playbook_id) | Q(playbook__isnull=True))
    off |= (
        Q(playbook__isnull=False)
        & ~Q(customer__segment_id__in=list(current))
        & Q(customer__segment__isnull=False)
    )
    return off


def label(playbook: Playbook | None) -> str:
    return f"{playbook.segment.name} playbook v{playbook.version}" if playbook else "no playbook"


def difference(titles: dict[int, list[str]], old: int | None, new: int | None) -> tuple[list[str], list[str]]:
    """(added, removed): plays of the new version the old had not, and the old's the new drops, by title."""
    before, after = titles.get(old, []), titles.get(new, [])
    known_before = {t.casefold() for t in before}
    known_after = {t.casefold() for t in after}
    return [t for t in after if t.casefold() not in known_before], [
        t for t in before if t.casefold() not in known_after
    ]


def move_customers(current: dict[int, int], now) -> int:
    """Customers off their tier's current playbook move to it; returns how many moved."""
    line = PlaybookFollow.objects.filter(_off_their_playbook(current))
    pairs = list(
        line.order_by("customer__account_manager_id", "pk").values_list("customer__account_manager_id", "pk")
    )
    if not pairs:
        return 0
    books = {b.pk: b for b in Playbook.objects.select_related("segment").filter(pk__in=set(current.values()))}
    titles: dict[int, list[str]] = {}

    def titles_of(ids: set) -> None:
        wanted = {pk for pk in ids if pk is not None and pk not in titles}
        for pk in wanted:
            titles[pk] = []
        for playbook_id, title in Play.objects.filter(playbook_id__in=wanted).values_list(
            "playbook_id", "title"
        ):
            titles[playbook_id].append(title)

    def move(batch: list[PlaybookFollow]) -> int:
        if not batch:
            return 0
        target = {f.customer_id: current.get(f.customer.segment_id) for f in batch}
        open_plays = list(
            PlayDue.objects.select_for_update(of=("self",))
            .filter(customer_id__in=list(target), status=PlayDue.Status.DUE)
            .select_related("play")
            .order_by("pk")
        )
        closing = [p for p in open_plays if p.play.playbook_id != target[p.customer_id]]
        lifecycle.apply_many(closing, "move", comment="The customer's tier or its playbook version changed.")
        closed: dict[int, int] = {}
        for play in closing:
            closed[play.customer_id] = closed.get(play.customer_id, 0) + 1
        titles_of({f.playbook_id for f in batch} | set(target.values()))
        rows, events, told = [], [], {}
        for follow in batch:
            new = target[follow.customer_id]
            added, removed = difference(titles, follow.playbook_id, new)
            rows.append(
                (
                    follow.customer_id,
                    follow.playbook_id,
                    new,
                    added,
                    removed,
                    closed.get(follow.customer_id, 0),
                    now,
                )
            )
            text = describe(follow.playbook, books.get(new), len(added), len(removed))
            events.append(
                {
                    "actor": None,
                    "verb": "playbook.customer_moved",
                    "obj": follow.customer,
                    "before": {"playbook": follow.playbook_id},
                    "after": {
                        "playbook": new,
                        "added": added,
                        "removed": removed,
                        "closed": closed.get(follow.customer_id, 0),
                    },
                    "comment": text,
                }
            )
            manager = follow.customer.account_manager
            if manager is not None:
                told.setdefault(manager.pk, (manager, []))[1].append(f"- {follow.customer.name}: {text}")
        insert_rows(
            PlaybookMove,
            ["customer_id", "from_playbook_id", "to_playbook_id", "added", "removed", "closed", "at"],
            rows,
        )
        for new in set(target.values()):
            PlaybookFollow.objects.filter(
                pk__in=[f.pk for f in batch if target[f.customer_id] == new]
            ).update(playbook_id=new, since_at=now)
        audit.record_many(events, returning=False)
        notify_many(
            [
                (
                    manager,
                    f"{checks.plural(len(lines), 'customer')} of yours moved playbook",
                    "Their open plays of the old playbook are closed as moved; done plays stay done.\n"
                    + "\n".join(lines),
                    "/keyaccounts/playbooks/",
                )
                for manager, lines in told.values()
            ]
        )
        return len(batch)

    queryset = line.select_related("customer__account_manager", "playbook__segment")
    return sum(
        checks.in_locked_batches(
            queryset, [pk for _, pk in pairs], move, size=BATCH_SIZE, keys=[m or 0 for m, _ in pairs]
        )
    )


def describe(old: Playbook | None, new: Playbook | None, added: int, removed: int) -> str:
    """ "Moved from Gold playbook v2 to Platinum v1: +3 plays, −1"."""
    target = f"{new.segment.name} v{new.version}" if new else "no playbook"
    return f"Moved from {label(old)} to {target}: +{checks.plural(added, 'play')}, −{removed}"
