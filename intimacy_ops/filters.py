"""The API's query-string filters: a related-object filter offers only what the user may see.

CONTRACT.md: "A related id outside the user's scope, in a body or a filter, is answered exactly as a
nonexistent id would be (400 naming the field)". Every `?<relation>=<id>` is a `ScopedModelChoiceFilter`,
whose choices are `access.visible(user, Model)`: an id out of scope, one that names nothing and one out
of the database's integer range (or not a number) all get the same 400 `{"<relation>": ["Select a valid
choice. …"]}`. `ScopedFilterSet` makes that the default for every foreign key, and `ScopedFilterBackend`
(the API's filter backend) builds `filterset_fields` on it and refuses a filterset that is not one.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.forms import DateInput
from django_filters import rest_framework as filters

from intimacy_ops import access


class ScopedModelChoiceFilter(filters.ModelChoiceFilter):
    """`?<field>=<id>` of a related object, chosen among those the requesting user may see."""

    def __init__(self, *args, model: type[models.Model] | None = None, **kwargs):
        self.related_model = model
        super().__init__(*args, **kwargs)

    def get_queryset(self, request):
        model = self.related_model or self.model._meta.get_field(self.field_name).related_model
        user = getattr(request, "user", None)
        return access.visible(user, model)


INVALID = "Select a valid choice. That choice is not one of the available choices."


class ScopedModelMultipleChoiceFilter(filters.ModelMultipleChoiceFilter):
    """`?<field>=<id>&<field>=<id>`: any of several related objects, each among those the user may see."""

    def __init__(self, *args, model: type[models.Model] | None = None, **kwargs):
        self.related_model = model
        kwargs.setdefault("distinct", False)  # a foreign key: no row twice, no DISTINCT needed
        # The single filter's words, without echoing the value: out of scope, nonexistent and unreadable
        # are one answer (the module's docstring).
        kwargs.setdefault("error_messages", {"invalid_choice": INVALID, "invalid_pk_value": INVALID})
        super().__init__(*args, **kwargs)

    def get_queryset(self, request):
        return access.visible(getattr(request, "user", None), self.related_model)

    def get_filter_predicate(self, v):
        return {self.field_name: v.pk}  # the object chosen (django-filter would compare its `to_field`)


def _scoped(field) -> dict:
    return {"model": field.remote_field.model}


class ScopedFilterSet(filters.FilterSet):
    """The base of every API filterset: foreign keys filter through the user's visible set."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": ScopedModelChoiceFilter, "extra": _scoped},
        models.OneToOneField: {"filter_class": ScopedModelChoiceFilter, "extra": _scoped},
    }

    @classmethod
    def get_filters(cls):
        found = super().get_filters()
        for name, declared in found.items():
            if isinstance(declared, filters.ModelChoiceFilter | filters.ModelMultipleChoiceFilter) and not (
                isinstance(declared, ScopedModelChoiceFilter | ScopedModelMultipleChoiceFilter)
            ):
                raise ImproperlyConfigured(
                    f"{cls.__name__}.{name}: a related-object filter must be a Scoped(Multiple)ModelChoiceFilter "
                    "(its choices are what the user may see)."
                )
        return found

    def is_valid(self):
        """Also refuses what django-filter would silently ignore: an empty or unreadable boolean, an empty
        choice or id (the schema promises a boolean, a choice, an integer; leave the parameter out instead);
        and a period the wrong way round (`<x>_before` earlier than `<x>_after`: named on `<x>_before`)."""
        valid = super().is_valid()
        valid = self._periods_in_order() and valid
        for name, declared in self.filters.items():
            if name not in self.data or name in self.form.errors:
                continue
            raw = self.data.get(name)
            if isinstance(declared, filters.BooleanFilter) and str(raw).lower() not in BOOLEANS:
                self.form.add_error(name, "true or false.")
                valid = False
            elif raw == "" and isinstance(declared, filters.ChoiceFilter | filters.ModelChoiceFilter):
                self.form.add_error(name, "Give a value, or leave the parameter out.")
                valid = False
        return valid

    def _periods_in_order(self) -> bool:
        cleaned = getattr(self.form, "cleaned_data", {})
        in_order = True
        for name in self.filters:
            if not name.endswith("_after"):
                continue
            before = name.removesuffix("_after") + "_before"
            start, end = cleaned.get(name), cleaned.get(before)
            if start and end and end < start and before not in self.form.errors:
                self.form.add_error(before, f"Cannot be earlier than {name} ({start.isoformat()}).")
                in_order = False
        return in_order


BOOLEANS = {"true", "false", "1", "0"}  # what django-filter's BooleanWidget reads


class RegionFilter(ScopedModelMultipleChoiceFilter):
    """`?region=<code>`, repeatable (`?region=EMEA&region=AMER`: rows of any of them; what a dashboard's
    multi-region selection carries into its drill-down lists), among the user's regions: a code that is not
    theirs is the same 400 as one that names nothing. `field_name` is the path to the row's region
    (`customer__region`)."""

    def __init__(self, field_name: str = "region", **kwargs):
        from django.forms import CheckboxSelectMultiple

        from intimacy_ops.accounts.models import Region

        kwargs.setdefault("label", "Region code (one of yours; repeatable)")
        kwargs.setdefault("widget", CheckboxSelectMultiple)
        super().__init__(field_name=field_name, model=Region, to_field_name="code", **kwargs)


class DateFilter(filters.DateFilter):
    """An ISO date, inclusive: `lookup_expr` "gte" for `…_after`, "lte" for `…_before` (on the date of a
    timestamp: `field_name="created_at__date"`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", DateInput(attrs={"type": "date"}))
        super().__init__(*args, **kwargs)


def date_range(field_name: str, noun: str) -> tuple["DateFilter", "DateFilter"]:
    """The `…_after` and `…_before` pair of one date (both inclusive)."""
    return (
        DateFilter(field_name=field_name, lookup_expr="gte", label=f"{noun} on or after (ISO date)"),
        DateFilter(field_name=field_name, lookup_expr="lte", label=f"{noun} on or before (ISO date)"),
    )


class ScopedFilterBackend(filters.DjangoFilterBackend):
    """DjangoFilterBackend whose filtersets are all `ScopedFilterSet`s (see the module's docstring)."""

    filterset_base = ScopedFilterSet

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        if filterset_class is not None and not issubclass(filterset_class, ScopedFilterSet):
            raise ImproperlyConfigured(
                f"{view.__class__.__name__}.filterset_class must derive from intimacy_ops.filters.ScopedFilterSet."
            )
        return filterset_class

    def filter_queryset(self, request, queryset, view):
        # A filter acts on its own parameters only (`?<name>…`; a range's `<name>_min` too): with none of them
        # in the query the set changes nothing, so it is not built — its form (a copy of every filter's field,
        # each related filter's scope) was ~2 ms of an unfiltered list. tests/api/test_filters_without_parameters.py
        # checks that every API filterset leaves its list as it was without them.
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = tuple(filterset_class.base_filters)
        if not any(key.startswith(names) for key in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)
