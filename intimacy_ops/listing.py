"""What every list page shares with its API: the same filterset (an app's `filters.py`, a
`ScopedFilterSet`) read from the same query string, and `ordering` read as DRF's OrderingFilter reads it.

    listing = listing.read(request, ExceptionFilter, rows, orderings=ORDERINGS, default="-created_at")
    if not listing.valid: … render the page with `listing.form`'s errors, status 400 (no rows)
    listing.rows            # filtered and ordered, still a queryset (paginate it)

A bad value (a date that is no date, `…_before` earlier than `…_after`, an unknown status, a region that is
not the user's) is a form error naming the field and a 400 page, never a 500 and never another region's
rows. `ordering` is comma-separated keys of `orderings`, `-` for descending; an unknown key is ignored (as
the API's OrderingFilter does) and none left means the default. The sortable headers keep the filters;
`templates/_filter_bar.html` draws the filters; `intimacy_ops.exports` streams the same rows as CSV.
"""

import html
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django_filters.widgets import BooleanWidget

ORDERING = "ordering"


def orderings_of(keys: Iterable[str], tie: str = "id") -> dict[str, tuple[str, ...]]:
    """Keys that are field paths (`customer__name`), as the API's `ordering_fields` lists them."""
    return {key: (key, tie) for key in keys}


def ordering_terms(raw: str | None, orderings: dict[str, tuple], default: str) -> tuple[str, list]:
    """(the ordering kept, the `order_by` terms): unknown keys dropped; none left, the default."""
    kept = []
    for term in (raw or "").split(","):
        term = term.strip()
        if term.lstrip("-") in orderings and term.lstrip("-") not in [k.lstrip("-") for k in kept]:
            kept.append(term)
    if not kept:
        kept = [default]
    terms: list = []
    ties: list[str] = []
    for term in kept:
        first, *rest = orderings[term.lstrip("-")]
        descending = term.startswith("-")
        # Empty values (no expiry date, no due time) come last either way.
        terms.append(F(first).desc(nulls_last=True) if descending else F(first).asc(nulls_last=True))
        ties.extend(name for name in rest if name not in ties)
    terms.extend(ties)  # the tie-breakers after every key asked for
    return ",".join(kept), terms


@dataclass
class Listing:
    filterset: object
    rows: QuerySet
    ordering: str
    valid: bool
    form: object = field(init=False)

    def __post_init__(self):
        self.form = self.filterset.form

    @property
    def status(self) -> int:
        return 200 if self.valid else 400

    @property
    def given(self) -> set[str]:
        """The filters the query sets."""
        return {name for name in self.filterset.filters if name in self.filterset.data}

    @property
    def filtered(self) -> bool:
        """Some filter is set (the page offers "Clear")."""
        return bool(self.given)


def read(
    request: HttpRequest,
    filterset_class,
    rows: QuerySet,
    *,
    orderings: dict[str, tuple],
    default: str,
    data=None,
) -> Listing:
    """The list of a page: `rows` filtered by the API's filterset and ordered; no rows when a filter is bad."""
    data = _without_empty(request.GET if data is None else data)
    filterset = filterset_class(data, queryset=rows, request=request)
    valid = filterset.is_valid()
    filtered = filterset.filter_queryset(rows.all()) if valid else rows.none()
    ordering, terms = ordering_terms(data.get(ORDERING), orderings, default)
    return Listing(filterset=filterset, rows=filtered.order_by(*terms), ordering=ordering, valid=valid)


def _without_empty(data):
    """A submitted filter bar sends every field, "Any" as an empty value: on a page that means "not asked"
    (the API refuses an empty value: leave the parameter out there)."""
    data = data.copy()
    for name in list(data):
        if all(value == "" for value in data.getlist(name)):
            del data[name]
    return data


def querystring(request: HttpRequest, **changes) -> str:
    """The current query with some keys replaced (None removes one); the page number always resets."""
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = value
    return query.urlencode()


def sort_headers(
    request: HttpRequest, columns: list[tuple[str, str, str]], current: str, param: str = ORDERING
) -> list[dict]:
    """Column headers that sort, keeping the filters: a click sorts ascending, a second click descending.
    `columns`: (ordering key, label, flags: "num" right-aligned, "hide" left out on a phone)."""
    first = current.split(",")[0]
    headers = []
    for key, label, flags in columns:
        active = first.lstrip("-") == key
        descending = active and first.startswith("-")
        headers.append(
            {
                "key": key,
                "label": label,
                "active": active,
                "descending": descending,
                "numeric": "num" in flags,
                "hide_small": "hide" in flags,
                # `sort`: what the customers and cases pages read before `ordering`; replaced, not kept.
                "query": querystring(
                    request, **{param: key if descending or not active else f"-{key}", "sort": None}
                ),
            }
        )
    return headers


def bar_fields(listing: Listing, names: Iterable[str]) -> list:
    """The bound fields a filter bar shows, in this order (the others still filter when given); an empty
    choice reads "Any". Selects and inputs are drawn in Python (`intimacy_ops.forms.drawn_in_python`, the same
    HTML): through Django's widget templates a bar cost ~80 templates and a fifth of a list page's CPU."""
    from intimacy_ops.forms import drawn_in_python

    fields = []
    for name in names:
        field = listing.form.fields[name]
        bound = listing.form[name]
        # The API's help ("Segment id (the customer's)") as a page label: "Segment".
        bound.label = (
            str(bound.label or name).split(" (")[0].split(":")[0].removesuffix(" id").removesuffix(" code")
        )
        if getattr(field, "empty_label", None) is not None:
            field.empty_label = "Any"
        if isinstance(field.widget, BooleanWidget):
            field.widget.choices = [("", "Any"), ("true", "Yes"), ("false", "No")]
        elif hasattr(field, "choices") and not hasattr(field, "queryset"):
            field.choices = [("", "Any") if value == "" else (value, label) for value, label in field.choices]
        drawn_in_python(field.widget)
        fields.append(bound)
    return fields


def offer(listing: Listing, name: str, objects: Iterable, *, label, value=None) -> None:
    """Draw a related filter's choices from a shorter list than it validates against (the customers of the
    list rather than every customer the user may see). Drawn in Python (`LongSelect`, the same HTML): an
    account manager's customers are hundreds of options, a template each cost ~40 ms of a page."""
    from intimacy_ops.forms import LongSelect

    field = listing.form.fields[name]
    value = value or (lambda obj: obj.pk)
    field.widget = LongSelect(choices=[("", "Any")] + [(value(obj), label(obj)) for obj in objects])


def errors_text(listing: Listing) -> str:
    """The filter errors as plain text (a CSV download's 400)."""
    return "\n".join(f"{name}: {' '.join(problems)}" for name, problems in listing.form.errors.items())


def hidden_fields(listing: Listing, shown: Iterable[str]) -> list[tuple[str, str]]:
    """The filters given in the query but not drawn in the bar: kept as hidden inputs on submit."""
    shown = set(shown)
    data = listing.filterset.data
    return [
        (name, value)
        for name in listing.filterset.filters
        if name not in shown and name in data
        for value in data.getlist(name)
    ]


def url_for_ids(name: str):
    """`{% url name pk %}` for a page of rows: reversed once, each id put in its place (a row-drawing tag's
    links: `reverse` per row was a good part of a list's rendering)."""
    marker = 987654321
    before, _, after = reverse(name, args=[marker]).rpartition(str(marker))
    return lambda pk: f"{before}{int(pk)}{after}"


def escape_text(value) -> str:
    """What `{{ value }}` prints for a plain value (Django's `escape` without its lazy wrapper): for the row tags."""
    return html.escape(str(value))


def choice_labels(model, name: str):
    """A choice field's `get_…_display()` for a page of rows, escaped: each label escaped once, a value that is not
    a choice printed as itself."""
    labels = {value: escape_text(label) for value, label in model._meta.get_field(name).flatchoices}
    return lambda value: labels[value] if value in labels else escape_text(value)
