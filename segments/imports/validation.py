"""Validating one row of an import file: every cell checked, every problem named by its column.

Rules that hold for both kinds:
- Cells are trimmed. A column present in the file sets the field; a blank cell means empty
  (no account manager, 0, 1, no e-mail, no response yet). A column absent from the file leaves the
  field as it is (or its default for a new record).
- Times are ISO 8601 with a date and a time. A time without an offset is read as UTC (the
  application's time zone), so exports that write UTC without the "Z" import as they are meant.
- A sensitive cell (`contact_email`, `personal_notes`) reading exactly `***` (the mask of a downloaded
  rejected-rows CSV) leaves the field as it is, like an absent column.
- Money is a decimal number ≥ 0 with at most 2 decimal places, written without thousands separators.
"""

import datetime
import functools
import re
from decimal import Decimal, InvalidOperation

from django.core.validators import validate_email
from django.utils.dateparse import parse_datetime

from intimacy_ops import access, sensitive
from intimacy_ops.accounts.models import Region, User
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import people_with_role
from segments.models import Customer, Priority, ServiceCase

MAX_MONEY = Decimal("1e12")
_PRIORITIES = frozenset(
    Priority.values
)  # Django builds the list on every access: once per process here  # DecimalField(max_digits=14, decimal_places=2)


@functools.cache
def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class Problems(dict):
    """Column name → messages."""

    def add(self, column: str, message: str) -> None:
        self.setdefault(column, []).append(message)


def text(value) -> str:
    if value.__class__ is str:
        return value.strip()  # the common case first: every CSV cell
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _required_text(row: dict, column: str, problems: Problems, *, max_length: int) -> str:
    value = text(row.get(column))
    if not value:
        problems.add(column, "Required: this cell is empty.")
    elif len(value) > max_length:
        problems.add(column, f"At most {max_length} characters (this has {len(value)}).")
    return value


def _optional_text(value, column: str, problems: Problems, *, max_length: int | None = None) -> str:
    value = text(value)
    if max_length and len(value) > max_length:
        problems.add(column, f"At most {max_length} characters (this has {len(value)}).")
    return value


# The common cells, recognised at once: a plain amount (< 10^12, at most 2 places), a figure from 1 to 5.
_PLAIN_MONEY = re.compile(r"\d{1,12}(?:\.\d{1,2})?")
_CENT = Decimal("0.01")
_ONE_TO_FIVE = {str(number): number for number in range(1, 6)}


def _money(value, column: str, problems: Problems) -> Decimal:
    raw = text(value)
    if value.__class__ is str and _PLAIN_MONEY.fullmatch(raw):
        return Decimal(raw).quantize(_CENT)
    if not raw:
        return Decimal("0")
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        amount = Decimal(raw)
        if not amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        problems.add(
            column, f"'{raw}' is not an amount: write digits with a '.' for decimals, e.g. 1250000.00."
        )
        return Decimal("0")
    if amount < 0:
        problems.add(column, f"Cannot be negative ({raw}).")
    elif amount >= MAX_MONEY:
        problems.add(column, f"Too large ({raw}): at most 999999999999.99.")
    elif amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        problems.add(column, f"At most 2 decimal places ({raw}).")
    return amount.quantize(Decimal("0.01")) if not problems.get(column) else Decimal("0")


def _one_to_five(value, column: str, problems: Problems) -> int:
    raw = text(value)
    if value.__class__ is str and raw in _ONE_TO_FIVE:
        return _ONE_TO_FIVE[raw]
    if not raw:
        return 1
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = Decimal(raw)
        if not number.is_finite() or number != number.to_integral_value():
            raise InvalidOperation
    except InvalidOperation:
        problems.add(column, f"'{raw}' is not a whole number from 1 to 5.")
        return 1
    if not 1 <= number <= 5:
        problems.add(column, f"Must be from 1 to 5 (this is {raw}).")
        return 1
    return int(number)


def _moment(value, column: str, problems: Problems, *, required: bool) -> datetime.datetime | None:
    raw = text(value)
    if not raw:
        if required:
            problems.add(column, "Required: this cell is empty.")
        return None
    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None:
        problems.add(
            column,
            f"'{raw}' is not an ISO 8601 date and time, e.g. 2025-03-01T09:30:00Z or 2025-03-01 09:30+01:00.",
        )
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


class References:
    """What rows refer to, loaded once per run: regions, account managers, and the actor's scope."""

    def __init__(self, actor: User | None):
        self.actor = actor
        self.regions = {code.upper(): (pk, code) for pk, code in Region.objects.values_list("id", "code")}
        # Who may import where: the command line (no actor) everywhere; a person only in their regions.
        self.allowed_region_ids = (
            None if actor is None else set(access.visible(actor, Region).values_list("id", flat=True))
        )
        self.managers: dict[str, tuple[int, set[int]]] = {}
        managers = people_with_role(Role.ACCOUNT_MANAGER)
        memberships = User.regions.through.objects.filter(user__in=managers.values("id")).values_list(
            "user_id", "region_id"
        )
        regions_of: dict[int, set[int]] = {}
        for user_id, region_id in memberships:
            regions_of.setdefault(user_id, set()).add(region_id)
        for user_id, username in managers.values_list("id", "username"):
            self.managers[username] = (user_id, regions_of.get(user_id, set()))
        self._other_users: dict[str, bool] = {}

    def region_codes(self) -> str:
        return ", ".join(sorted(code for _, code in self.regions.values()))

    def in_scope(self, region_id: int) -> bool:
        return self.allowed_region_ids is None or region_id in self.allowed_region_ids

    def is_user(self, username: str) -> bool:
        if username not in self._other_users:
            self._other_users[username] = User.objects.filter(username=username).exists()
        return self._other_users[username]


@functools.cache
def _email_parts():
    """Django's e-mail validator's own patterns, compiled once (they are lazy objects, slow to call per row)."""
    return validate_email.user_regex.match, validate_email.domain_allowlist


@functools.lru_cache(maxsize=4096)
def _valid_domain(domain: str) -> bool:
    return domain in _email_parts()[1] or validate_email.validate_domain_part(domain)


def _valid_email(value: str) -> bool:
    """Exactly `validate_email`, with each domain checked once per process (a file names few domains)."""
    if not value or "@" not in value or len(value) > 320:
        return False
    user_part, domain_part = value.rsplit("@", 1)
    return bool(_email_parts()[0](user_part)) and _valid_domain(domain_part)


def _given(row: dict, column: str) -> bool:
    """A sensitive column is given unless its cell is the mask: a rejected-rows CSV read back with a masked
    cell (sensitive.MASK) leaves the field as it is, as if the column were absent."""
    return column in row and text(row[column]) != sensitive.MASK


@functools.cache
def _customer_limits() -> tuple[int, int, int]:
    return tuple(_max_length(Customer, name) for name in ("source", "external_id", "name"))


def _plain_customer(row: dict, refs: References) -> dict | None:
    """The values of a row whose every cell is plain text and right (the common case, checked in one pass
    without a call per cell); None when anything is unusual, so the full rules below judge and name it.
    Gives exactly what `clean_customer` gives for such a row."""
    try:
        cells = {name: value.strip() for name, value in row.items()}
    except AttributeError:
        return None  # a JSON number, list or null
    source, external_id, name = cells.get("source"), cells.get("external_id"), cells.get("name")
    longest = _customer_limits()
    if not (source and external_id and name) or (
        len(source) > longest[0] or len(external_id) > longest[1] or len(name) > longest[2]
    ):
        return None
    region = refs.regions.get(cells.get("region", "").upper())
    if region is None or not refs.in_scope(region[0]):
        return None
    values = {"source": source, "external_id": external_id, "name": name, "region_id": region[0]}
    if "account_manager" in cells:
        username = cells["account_manager"]
        manager = refs.managers.get(username) if username else (None, None)
        if manager is None or (username and region[0] not in manager[1]):
            return None
        values["account_manager_id"] = manager[0]
    for column in ("annual_revenue", "lifetime_value"):
        if column in cells:
            raw = cells[column]
            if not raw:
                values[column] = Decimal("0")
            elif _PLAIN_MONEY.fullmatch(raw):
                values[column] = Decimal(raw).quantize(_CENT)
            else:
                return None
    for column in ("strategic_value", "support_complexity"):
        if column in cells:
            raw = cells[column]
            if raw not in _ONE_TO_FIVE and raw:
                return None
            values[column] = _ONE_TO_FIVE.get(raw, 1)
    email = cells.get("contact_email")
    if email is not None and email != sensitive.MASK:
        if email and (len(email) > 254 or not _valid_email(email)):
            return None
        values["contact_email"] = email
    notes = cells.get("personal_notes")
    if notes is not None and notes != sensitive.MASK:
        values["personal_notes"] = notes
    return values


def clean_customer(row: dict, refs: References) -> tuple[dict, Problems]:
    """The model values of a customers row (only for the columns present), and its problems by column."""
    problems = Problems()
    plain = _plain_customer(row, refs)
    if plain is not None:
        return plain, problems
    values: dict = {
        "source": _required_text(row, "source", problems, max_length=_max_length(Customer, "source")),
        "external_id": _required_text(
            row, "external_id", problems, max_length=_max_length(Customer, "external_id")
        ),
        "name": _required_text(row, "name", problems, max_length=_max_length(Customer, "name")),
    }
    code = text(row.get("region"))
    region_id = None
    if not code:
        problems.add("region", "Required: this cell is empty.")
    elif code.upper() not in refs.regions:
        problems.add("region", f"No region '{code}'. Known regions: {refs.region_codes()}.")
    else:
        region_id, code = refs.regions[code.upper()]
        if not refs.in_scope(region_id):
            problems.add("region", f"You do not work in {code}: ask someone of that region to import it.")
    values["region_id"] = region_id
    if "account_manager" in row:
        username = text(row["account_manager"])
        manager_id = None
        if username:
            manager = refs.managers.get(username)
            if manager is None:
                problems.add(
                    "account_manager",
                    f"{username} is not an account manager."
                    if refs.is_user(username)
                    else f"No user '{username}'.",
                )
            elif region_id is not None and region_id not in manager[1]:
                problems.add("account_manager", f"{username} is not an account manager of {code}.")
            else:
                manager_id = manager[0]
        values["account_manager_id"] = manager_id
    for column in ("annual_revenue", "lifetime_value"):
        if column in row:
            values[column] = _money(row[column], column, problems)
    for column in ("strategic_value", "support_complexity"):
        if column in row:
            values[column] = _one_to_five(row[column], column, problems)
    if _given(row, "contact_email"):
        email = _optional_text(row["contact_email"], "contact_email", problems, max_length=254)
        # The message never quotes the value: rejected rows' messages are shown unmasked.
        if email and "contact_email" not in problems and not _valid_email(email):
            problems.add("contact_email", "Not a valid e-mail address.")
        values["contact_email"] = email
    if _given(row, "personal_notes"):
        values["personal_notes"] = _optional_text(row["personal_notes"], "personal_notes", problems)
    return values, problems


def clean_case(row: dict, refs: References) -> tuple[dict, Problems]:
    """The model values of a cases row and its problems; the customer is resolved per batch by its key."""
    problems = Problems()
    values: dict = {
        "source": _required_text(row, "source", problems, max_length=_max_length(ServiceCase, "source")),
        "external_id": _required_text(
            row, "external_id", problems, max_length=_max_length(ServiceCase, "external_id")
        ),
        "customer_source": _required_text(
            row, "customer_source", problems, max_length=_max_length(Customer, "source")
        ),
        "customer_external_id": _required_text(
            row, "customer_external_id", problems, max_length=_max_length(Customer, "external_id")
        ),
    }
    priority = text(row.get("priority")).upper()
    if not priority:
        problems.add("priority", "Required: this cell is empty.")
    elif priority not in _PRIORITIES:
        problems.add("priority", f"'{text(row.get('priority'))}' is not a priority: use P1, P2, P3 or P4.")
    values["priority"] = priority
    opened = _moment(row.get("opened_at"), "opened_at", problems, required=True)
    values["opened_at"] = opened
    for column, label in (("first_response_at", "first response"), ("resolved_at", "resolution")):
        if column in row:
            moment = _moment(row[column], column, problems, required=False)
            if moment is not None and opened is not None and moment < opened:
                problems.add(
                    column,
                    f"The {label} cannot be before the case was opened ({text(row.get('opened_at'))}).",
                )
            values[column] = moment
    if "title" in row:
        values["title"] = _optional_text(
            row["title"], "title", problems, max_length=_max_length(ServiceCase, "title")
        )
    return values, problems
