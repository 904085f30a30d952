from functools import cache, cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone

from intimacy_ops.accounts.roles import HOME_PRECEDENCE, Role


class Region(models.Model):
    """A sales/operations region (EMEA, AMER, APAC). Customers belong to one; users to one or more."""

    code = models.CharField(max_length=16, unique=True, help_text="Short code, e.g. EMEA.")
    name = models.CharField(max_length=100)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        # Also a database default: rows written by code that predates the column (older migrations' models) still insert.
        db_default="UTC",
        help_text="IANA name, e.g. Europe/Paris: its people's default time zone.",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class User(AbstractUser):
    regions = models.ManyToManyField(Region, blank=True, related_name="users")
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        db_default="",
        help_text="IANA name, e.g. Europe/Paris; empty: the time zone of their region.",
    )

    class Meta:
        ordering = ["username"]

    @cached_property
    def _memberships(self) -> tuple[list[str], list[Region]]:
        """The person's group names, regions and the people they stand in for now (accounts/delegation.py)
        in one query: a request reads all three (roles, scopes, cover). Written out rather than built as a
        three-way ORM union, which Django compiled again on every request (~1.4 ms of CPU, bench/README.md)."""
        with connection.cursor() as cursor:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            cursor.execute(_memberships_sql(), [self.pk, self.pk, self.pk, now, now])
            rows = cursor.fetchall()
        names = [name for kind, _, name, _ in rows if kind == "g"]
        places = [Region(id=pk, code=code, name=name) for kind, pk, code, name in rows if kind == "r"]
        self._covering_ids = sorted(pk for kind, pk, _, _ in rows if kind == "d")
        return names, sorted(places, key=lambda region: region.code)

    def _prefetched(self, relation: str) -> list | None:
        cache = getattr(self, "_prefetched_objects_cache", {})
        return list(cache[relation]) if relation in cache else None

    @cached_property
    def roles(self) -> frozenset[Role]:
        """The roles this person holds; a superuser is an administrator whatever their groups."""
        if not self.is_authenticated:
            return frozenset()
        prefetched = self._prefetched("groups")
        names = {group.name for group in prefetched} if prefetched is not None else set(self._memberships[0])
        held = {role for role in Role if role.value in names}
        if self.is_superuser:
            held.add(Role.ADMINISTRATOR)
        if Role.BOARD_CHAIR in held:
            held.add(Role.BOARD_MEMBER)  # a chair is a member who also runs the board
        return frozenset(held)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def primary_role(self) -> Role | None:
        return next((role for role in HOME_PRECEDENCE if role in self.roles), None)

    @cached_property
    def region_list(self) -> list[Region]:
        """The user's regions by code, read once per request with the roles (the layout's region codes and
        every scope's `IN (…)` use them)."""
        prefetched = self._prefetched("regions")
        if prefetched is not None:
            return sorted(prefetched, key=lambda region: region.code)
        return self._memberships[1] if self.pk else []

    @property
    def region_ids(self) -> frozenset[int]:
        return frozenset(region.pk for region in self.region_list)

    def effective_time_zone(self) -> str:
        """Their own choice, else their (first) region's, else the server's."""
        if self.time_zone:
            return self.time_zone
        region_zone = self.regions.order_by("code").values_list("time_zone", flat=True).first()
        return region_zone or settings.TIME_ZONE

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Delegation(models.Model):
    """A person's out-of-office period: while it lasts, `delegate` (same role, a region in common) takes their
    approvals, votes (never a chair's decision) and escalations, each recorded "on behalf of" them.
    One per person: setting a new period replaces it (accounts.delegation)."""

    person = models.OneToOneField(User, on_delete=models.CASCADE, related_name="out_of_office")
    delegate = models.ForeignKey(User, on_delete=models.PROTECT, related_name="standing_in_for")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["delegate", "ends_at"], name="delegation_delegate_ends")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="delegation_ends_after_start"
            ),
            models.CheckConstraint(condition=~Q(delegate=F("person")), name="delegation_not_to_oneself"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.delegate_id} ({self.starts_at:%Y-%m-%d} – {self.ends_at:%Y-%m-%d})"


class SignInGate(models.Model):
    """One row per (username, address) ever tried: the row a sign-in attempt locks while it is counted, so
    attempts arriving at the same instant are counted one after the other (accounts.services.sign_in)."""

    username = models.CharField(max_length=150, help_text="Lower-cased: the lockout ignores case.")
    ip = models.CharField(max_length=45, blank=True, help_text="Empty when the address is unknown.")
    touched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["username", "ip"], name="sign_in_gate_per_username_ip")
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip or 'unknown address'}"


class FailedSignIn(models.Model):
    """One sign-in attempt counted for the lockout rule (CONTRACT.md: 5 per username and address → 15 minutes).

    Written before the password is checked, so a burst cannot outrun the count; a success deletes the
    username's rows from that address, so what is left are failures (and attempts still being checked).
    """

    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["username", "ip", "at"])]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip or 'unknown address'} at {self.at:%Y-%m-%d %H:%M:%S}"


@cache
def _memberships_sql() -> str:
    """`User._memberships`' statement, table and column names from the models (kind, id, name/code, name)."""
    group_link = User.groups.through._meta
    region_link = User.regions.through._meta
    delegation = Delegation._meta
    # Names from the models; every value a parameter.
    return (
        f"SELECT 'g', g.id, g.name, g.name FROM auth_group g"  # noqa: S608
        f" JOIN {group_link.db_table} l ON l.group_id = g.id WHERE l.user_id = %s"
        f" UNION ALL SELECT 'r', r.id, r.code, r.name FROM {Region._meta.db_table} r"
        f" JOIN {region_link.db_table} m ON m.region_id = r.id WHERE m.user_id = %s"
        f" UNION ALL SELECT 'd', d.{delegation.get_field('person').column}, '', ''"
        f" FROM {delegation.db_table} d WHERE d.{delegation.get_field('delegate').column} = %s"
        f" AND d.starts_at <= %s AND d.ends_at > %s"
    )
