"""The rows of bench/generate.py: people by the ORM (a few dozen), the big tables by PostgreSQL COPY.

Each table's rows are built in Python with explicit ids (taken above the table's current maximum; the
identity sequence is moved past them afterwards), written as CSV and loaded with psycopg2's copy_expert.
"""

import csv
import datetime
import io
import json
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from generate import PASSWORD, REGIONS

WORDS = ["Nordic", "Atlas", "Blue", "Summit", "Harbor", "Vertex", "Orion", "Cedar", "Delta", "Granite"]
NOUNS = ["Foods", "Logistics", "Retail", "Pharma", "Motors", "Textiles", "Energy", "Media", "Labs"]
# status: share of the requests (every status of the lifecycle appears)
STATUSES = {
    "draft": 0.06, "submitted": 0.05, "under_review": 0.08, "approved": 0.04, "rejected": 0.07,
    "changes_requested": 0.04, "active": 0.30, "expired": 0.16, "sunset": 0.05, "standardized": 0.03,
    "revoked": 0.03, "withdrawn": 0.09,
}  # fmt: skip
DECIDED = {
    "approved",
    "rejected",
    "changes_requested",
    "active",
    "expired",
    "sunset",
    "standardized",
    "revoked",
}
AFTER_ACTIVE = {"expired": "expire", "sunset": "sunset", "standardized": "standardize", "revoked": "revoke"}
DECISION = {"rejected": "reject", "changes_requested": "return_for_changes"}
OUTCOME = {"approve": "approve", "reject": "reject", "return_for_changes": "return_for_changes"}


@dataclass
class People:
    regions: dict  # code -> id
    managers: dict  # region id -> [user ids]
    leads: dict  # region id -> [user ids]
    members: list
    chair: int
    board: int
    summary: str = ""
    usernames: dict = field(default_factory=dict)  # role -> [usernames]


def people(args) -> People:
    """APAC, its threshold and calendar, the board across three regions, and bench users per role and region."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from exceptions.demo import THRESHOLD
    from exceptions.models import RoutingThreshold
    from governance.demo.board import BOARD_NAME
    from governance.models import Board
    from intimacy_ops.accounts.models import Region, User
    from intimacy_ops.accounts.roles import Role
    from segments.models import WorkingCalendar

    apac, _ = Region.objects.get_or_create(code="APAC", defaults={"name": "Asia and the Pacific"})
    RoutingThreshold.objects.get_or_create(region=apac, defaults=THRESHOLD)
    emea_calendar = WorkingCalendar.objects.get(region__code="EMEA")
    WorkingCalendar.objects.get_or_create(
        region=apac,
        defaults={
            "timezone": REGIONS["APAC"],
            "weekdays": emea_calendar.weekdays,
            "day_starts": emea_calendar.day_starts,
            "day_ends": emea_calendar.day_ends,
        },
    )
    regions = {region.code: region for region in Region.objects.filter(code__in=REGIONS)}
    board = Board.objects.get(name=BOARD_NAME)
    board.regions.add(*regions.values())
    hashed = make_password(PASSWORD)
    groups = {group.name: group for group in Group.objects.all()}

    def ensure(username: str, role: Role, codes: list[str]) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"password": hashed, "email": f"{username}@example.com", "first_name": username},
        )
        if created:
            user.groups.add(groups[role.value])
            user.regions.set([regions[code] for code in codes])
        return user

    result = People({code: r.pk for code, r in regions.items()}, {}, {}, [], board.chair_id, board.pk)
    result.usernames = {"am": [], "lead": [], "member": [], "steward": [], "chair": [board.chair.username]}
    for code, region in regions.items():
        low = code.lower()
        ams = [ensure(f"bench.am.{low}.{n:02d}", Role.ACCOUNT_MANAGER, [code]) for n in range(1, args.managers_per_region + 1)]  # fmt: skip
        leads = [ensure(f"bench.lead.{low}.{n:02d}", Role.OPERATIONS_LEAD, [code]) for n in range(1, args.leads_per_region + 1)]  # fmt: skip
        result.managers[region.pk] = [user.pk for user in ams]
        result.leads[region.pk] = [user.pk for user in leads]
        result.usernames["am"] += [user.username for user in ams]
        result.usernames["lead"] += [user.username for user in leads]
        result.usernames["steward"].append(ensure(f"bench.steward.{low}", Role.DATA_STEWARD, [code]).username)
    members = [ensure(f"bench.member.{n:02d}", Role.BOARD_MEMBER, list(REGIONS)) for n in range(1, args.board_members + 1)]  # fmt: skip
    board.members.add(*members)
    ensure("bench.auditor", Role.AUDITOR, list(REGIONS))
    result.members = [user.pk for user in members]
    result.usernames["member"] = [user.username for user in members]
    result.summary = (
        f"3 regions; per region {args.managers_per_region} account managers, {args.leads_per_region} "
        f"operations leads, 1 data steward; {args.board_members} board members (chair {board.chair.username})"
    )
    return result


class Copier:
    """COPY rows into a model's table, ids assigned here; counts and seconds per table."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.counts: dict[str, tuple[int, float]] = {}

    def next_id(self, model) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')  # noqa: S608
            return cursor.fetchone()[0]

    def copy(self, model, rows: list[dict], started: float) -> None:
        table = model._meta.db_table
        if rows:
            columns = list(rows[0])
            missing = _defaults_missing(model, columns)
            columns += list(missing)
            rows = [{**row, **missing} for row in rows] if missing else rows
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in rows:
                writer.writerow([_cell(row[column]) for column in columns])
            buffer.seek(0)
            quoted = ", ".join(f'"{column}"' for column in columns)
            with self.connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY \"{table}\" ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
                )
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"  # noqa: S608
                )
                cursor.execute(f'ANALYZE "{table}"')
        before, spent = self.counts.get(table, (0, 0.0))  # a top-up adds to the table's figures
        self.counts[table] = (before + len(rows), spent + time.perf_counter() - started)


def _defaults_missing(model, columns: list[str]) -> dict:
    """The NOT NULL columns a generator does not write, with their model default (a field added by a later
    migration, such as a blank `CharField`): COPY would otherwise write NULL into them."""
    from django.db.models import NOT_PROVIDED

    missing = {}
    for model_field in model._meta.concrete_fields:
        if (
            model_field.column in columns
            or model_field.null
            or model_field.primary_key
            or model_field.db_default is not NOT_PROVIDED
        ):
            continue
        default = model_field.get_default()
        if default is not None:
            missing[model_field.column] = default
    return missing


def _cell(value):
    if value is None:
        return "\\N"
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    return value


def copy_everything(args, people: People) -> dict[str, tuple[int, float]]:
    from django.db import transaction

    with transaction.atomic():
        copier = Copier()
        world = _World(args, people, copier)
        world.customers()
        world.cases()
        world.exceptions()
        import generate_topups

        generate_topups.write(world)
    return copier.counts


class _World:
    def __init__(self, args, people: People, copier: Copier):
        from django.contrib.contenttypes.models import ContentType
        from django.utils import timezone

        from exceptions.models import Process
        from governance.models import Board, Review
        from segments.models import Segment, ServiceCase, SlaPolicy

        self.args, self.people, self.copier = args, people, copier
        self.rng = random.Random(args.seed)  # noqa: S311  (bench data, reproducible)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.segments = list(Segment.objects.order_by("rank"))
        self.policies = {(p.segment_id, p.priority): p for p in SlaPolicy.objects.all()}
        self.processes = [(p.pk, p.versions.order_by("-number").values_list("pk", flat=True).first()) for p in Process.objects.all()]  # fmt: skip
        self.board = Board.objects.get(pk=people.board)
        self.case_type = ContentType.objects.get_for_model(ServiceCase).pk
        self.review_type = ContentType.objects.get_for_model(Review).pk
        self.customer_rows: list[dict] = []
        self.escalations: list[dict] = []

    def _ago(self, low_days: float, high_days: float) -> datetime.datetime:
        return self.now - datetime.timedelta(days=self.rng.uniform(low_days, high_days))

    def _segment(self, revenue, strategic, lifetime, complexity):
        for segment in self.segments:
            if (
                revenue >= segment.min_annual_revenue
                and strategic >= segment.min_strategic_value
                and lifetime >= segment.min_lifetime_value
                and complexity >= segment.min_support_complexity
            ):
                return segment.pk
        return None

    def customers(self) -> None:
        from segments.models import Customer

        started, rng = time.perf_counter(), self.rng
        first = self.copier.next_id(Customer)
        region_ids = list(self.people.regions.values())
        for offset in range(self.args.customers):
            pk = first + offset
            region = region_ids[offset % len(region_ids)]
            revenue = Decimal(
                rng.choice([150_000, 400_000, 900_000, 1_500_000, 3_000_000, 6_000_000, 12_000_000])
            )
            strategic, complexity = rng.randint(1, 5), rng.randint(1, 5)
            lifetime = revenue * rng.choice([2, 3, 4, 5])
            created = self._ago(30, 900)
            self.customer_rows.append({
                "id": pk, "source": "bench", "external_id": f"BENCH-{pk:08d}",
                "name": f"{rng.choice(WORDS)} {rng.choice(NOUNS)} {pk}", "region_id": region,
                "account_manager_id": rng.choice(self.people.managers[region]), "annual_revenue": revenue,
                "strategic_value": strategic, "support_complexity": complexity, "lifetime_value": lifetime,
                "segment_id": self._segment(revenue, strategic, lifetime, complexity), "segment_locked": False,
                "segment_locked_by_id": None, "segment_lock_reason": "", "consent_profiling": rng.random() > 0.3,
                "consent_sentiment": rng.random() > 0.4, "consent_surveys": rng.random() > 0.2,
                "legal_hold": False, "contact_email": f"contact{pk}@example.com",
                "personal_notes": "Prefers calls in the morning.", "created_at": created, "updated_at": created,
            })  # fmt: skip
        self.copier.copy(Customer, self.customer_rows, started)

    def cases(self) -> None:
        from segments.models import ServiceCase

        started, rng, rows = time.perf_counter(), self.rng, []
        next_id = self.copier.next_id(ServiceCase)
        total = int(len(self.customer_rows) * self.args.cases_per_customer)
        for offset in range(total):
            customer = self.customer_rows[offset % len(self.customer_rows)]
            pk, priority = next_id + offset, rng.choice(["P1", "P2", "P3", "P3", "P4", "P4"])
            policy = self.policies.get((customer["segment_id"], priority))
            respond = policy.first_response_minutes if policy else 240
            resolve = policy.resolution_minutes if policy else 2880
            due = rng.random() < self.args.due
            is_open = due or rng.random() < 0.15
            opened = self._ago(0.01, 3) if is_open and not due else self._ago(1, 180)
            response_due = opened + datetime.timedelta(minutes=respond)
            resolution_due = opened + datetime.timedelta(minutes=resolve)
            late = not due and rng.random() < 0.06
            answered = None if (due or (is_open and rng.random() < 0.4)) else opened + datetime.timedelta(minutes=respond * (1.5 if late else rng.uniform(0.1, 0.9)))  # fmt: skip
            if answered and answered > self.now:
                answered = None
            resolved = None if is_open else max(answered or opened, opened + datetime.timedelta(minutes=resolve * (1.3 if late else rng.uniform(0.2, 0.95))))  # fmt: skip
            # What the sweep would already have done: an open case past a due time is marked and escalated.
            response_breached = response_due if (answered is None and response_due < self.now and not due) else None  # fmt: skip
            resolution_breached = resolution_due if (resolved is None and resolution_due < self.now and not due) else None  # fmt: skip
            interval = policy.update_interval_minutes if policy else None
            reminder = None
            if is_open and interval:
                reminder = self.now - datetime.timedelta(minutes=1) if due else self.now + datetime.timedelta(minutes=rng.uniform(1, interval))  # fmt: skip
            rows.append({
                "id": pk, "customer_id": customer["id"], "source": "bench", "external_id": f"BCASE-{pk:09d}",
                "title": f"{rng.choice(['Delivery', 'Invoice', 'Return', 'Portal'])} issue", "priority": priority,
                "opened_at": opened, "first_response_at": answered, "resolved_at": resolved,
                "response_due_at": response_due, "resolution_due_at": resolution_due,
                "breached": bool(late or response_breached or resolution_breached), "queue": "general",
                "anonymized_at": None, "response_breached_at": response_breached,
                "resolution_breached_at": resolution_breached, "update_reminder_at": reminder,
                "update_reminded_at": None,
            })  # fmt: skip
            for line, at in (("response", response_breached), ("resolution", resolution_breached)):
                if at is not None:
                    self._escalate(self.case_type, pk, f"sla_{line}_breached", f"Case BCASE-{pk:09d}", customer, at)  # fmt: skip
        self.copier.copy(ServiceCase, rows, started)

    def _escalate(self, content_type, pk, reason, label, customer, at, ladder=None) -> None:
        ladder = ladder or [{"role": "account manager", "after_minutes": 0}]
        self.escalations.append({
            "content_type_id": content_type, "object_id": pk, "subject_label": label[:200], "subject_link": "",
            "reason": reason, "detail": "generated by bench/generate.py", "region_id": customer["region_id"],
            "level": len(ladder), "ladder": ladder, "target_user_id": customer["account_manager_id"],
            "target_role": ladder[-1]["role"], "raised_at": at, "level_raised_at": at, "next_level_at": None,
            "acknowledged_at": None, "acknowledged_by_id": None, "resolved_at": None, "resolved_by_id": None,
            "resolution": "",
        })  # fmt: skip

    def exceptions(self) -> None:
        import generate_requests

        generate_requests.write(self)
