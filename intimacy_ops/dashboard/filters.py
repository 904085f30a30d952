"""The dashboard's filters, read from the query string and validated once for the page, the panels, the CSV
and the API alike: a bad value is a field error (400 in the API, a form error on the page), never a 500 and
never another region's rows.

- `region` (code, repeatable): only the user's regions (auditors and administrators: every region);
  default all of them.
- `segment`, `process` (ids): among the choices their app registered (`register_filter`).
- `period` (`30d` | `90d` | `12m` | `ytd`, default `12m`: the 12 calendar months up to today), or a custom
  `since` / `until` (ISO dates, inclusive) which win over the preset.
- `share` (percent, default 5): the revenue share of the cost-vs-revenue panel.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils import timezone

from intimacy_ops import access
from intimacy_ops.accounts.models import Region
from intimacy_ops.dashboard import registry

PERIODS = (
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("12m", "Last 12 months"),
    ("ytd", "Year to date"),
)
DEFAULT_PERIOD = "12m"
DEFAULT_SHARE = Decimal("0.05")
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
LONGEST = dt.timedelta(days=366 * 10)


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_start(period: str, today: dt.date) -> dt.date:
    if period == "30d":
        return today - dt.timedelta(days=29)
    if period == "90d":
        return today - dt.timedelta(days=89)
    if period == "ytd":
        return today.replace(month=1, day=1)
    return _months_back(today, 11)  # 12m: this month and the 11 before it, whole months


class FilterForm(forms.Form):
    region = forms.MultipleChoiceField(required=False, label="Region")
    segment = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Segment")
    process = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Process")
    period = forms.ChoiceField(required=False, choices=(("", "12 months"), *PERIODS), label="Period")
    since = forms.DateField(required=False, label="From", input_formats=["%Y-%m-%d"])
    until = forms.DateField(required=False, label="Until", input_formats=["%Y-%m-%d"])
    share = forms.DecimalField(
        required=False,
        min_value=Decimal("0.1"),
        max_value=Decimal("1000"),
        decimal_places=2,
        max_digits=6,
        label="Revenue share (%)",
    )

    def __init__(self, data, *, user, regions: list[Region]):
        super().__init__(data)
        self.user = user
        self.regions = regions
        self.fields["region"].choices = [(region.code, region.code) for region in regions]
        for name in registry.REGISTRABLE_FILTERS:
            spec = registry.filter_spec(name)
            if spec is None:
                del self.fields[name]
                continue
            self.fields[name].label = spec.label
            plural = spec.label.lower() + ("es" if spec.label.endswith("s") else "s")
            self.fields[name].choices = [("", f"All {plural}")] + [
                (str(pk), label) for pk, label in spec.choices(user)
            ]

    def _clean_date(self, name: str):
        value = self.cleaned_data.get(name)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(f"Give a date between {EARLIEST} and {LATEST}.")
        return value

    def clean_since(self):
        return self._clean_date("since")

    def clean_until(self):
        return self._clean_date("until")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        since, until = data.get("since"), data.get("until")
        if "since" in self.errors or "until" in self.errors:
            return data
        until = until or today
        since = since or period_start(data.get("period") or DEFAULT_PERIOD, until)
        if until < since:
            self.add_error("until", "The end of the period comes before its start.")
        elif until - since > LONGEST:
            self.add_error("until", "A period is at most 10 years long.")
        data["since"], data["until"] = since, until
        return data


@dataclass
class Filters:
    user: object
    regions: list[int]
    region_codes: list[str]
    all_regions: bool
    segment: int | None = None
    process: int | None = None
    since: dt.date = field(default_factory=timezone.localdate)
    until: dt.date = field(default_factory=timezone.localdate)
    share: Decimal = DEFAULT_SHARE
    period: str = DEFAULT_PERIOD
    custom_period: bool = False

    @property
    def share_percent(self) -> Decimal:
        return (self.share * 100).normalize()

    def query(self) -> dict:
        """The filters as query parameters (what the page's URL carries), defaults left out."""
        params: dict = {}
        if not self.all_regions:
            params["region"] = list(self.region_codes)
        if self.segment is not None:
            params["segment"] = self.segment
        if self.process is not None:
            params["process"] = self.process
        if self.custom_period:
            params["since"], params["until"] = self.since.isoformat(), self.until.isoformat()
        elif self.period != DEFAULT_PERIOD:
            params["period"] = self.period
        if self.share != DEFAULT_SHARE:
            params["share"] = format(self.share_percent, "f")
        return params

    def querystring(self) -> str:
        return urlencode(self.query(), doseq=True)

    def drill(self, base_url: str, **params) -> str:
        """`base_url` with the region, segment and process filters as the drill-down lists read them, plus
        `params` (the caller maps the period: `created_after=filters.since`…). None values are left out;
        lists repeat; dates are ISO; booleans read true/false."""
        query: list[tuple[str, str]] = []
        if not self.all_regions and "region" not in params:
            query += [("region", code) for code in self.region_codes]
        for name in ("segment", "process"):
            value = getattr(self, name)
            if value is not None and name not in params:
                query.append((name, str(value)))
        for name, value in params.items():
            for item in value if isinstance(value, list | tuple) else [value]:
                if item is None:
                    continue
                if isinstance(item, bool):
                    item = "true" if item else "false"
                elif isinstance(item, dt.date):
                    item = item.isoformat()
                query.append((name, str(item)))
        return f"{base_url}?{urlencode(query)}" if query else base_url


def user_regions(user) -> list[Region]:
    return list(access.visible(user, Region).order_by("code"))


def defaults(user) -> Filters:
    """The dashboard's default filters (all the user's regions, 12 months), parsed once per request and kept
    on the user: the home cards showing the dashboard's headlines share them (three queries, not six)."""
    if "_dashboard_defaults" not in user.__dict__:
        user.__dict__["_dashboard_defaults"] = parse(user, QueryDict())[0]
    return user.__dict__["_dashboard_defaults"]


def parse(user, data) -> tuple[Filters | None, FilterForm]:
    """(filters, form): filters is None when the form has errors (`form.errors` names each bad field)."""
    regions = user_regions(user)
    data = data.copy()  # "All my regions" is an empty `region`: no choice made
    data.setlist("region", [code for code in data.getlist("region") if code])
    form = FilterForm(data, user=user, regions=regions)
    if not form.is_valid():
        return None, form
    data = form.cleaned_data
    chosen = set(data.get("region") or [])
    selected = [region for region in regions if region.code in chosen] if chosen else regions
    share = data.get("share")
    filters = Filters(
        user=user,
        regions=[region.pk for region in selected],
        region_codes=[region.code for region in selected],
        all_regions=not chosen or len(selected) == len(regions),
        segment=data.get("segment"),
        process=data.get("process"),
        since=data["since"],
        until=data["until"],
        share=(share / 100) if share is not None else DEFAULT_SHARE,
        period=data.get("period") or DEFAULT_PERIOD,
        custom_period=bool(form.data.get("since") or form.data.get("until")),
    )
    return filters, form
