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
                isinstance(declared, ScopedModelChoiceFilter)
            ):
                raise ImproperlyConfigured(
                    f"{cls.__name__}.{name}: a related-object filter must be a ScopedModelChoiceFilter "
                    "(its choices are what the user may see)."
                )
        return found

    def is_valid(self):
        """Also refuses what django-filter would silently ignore: an empty or unreadable boolean, an empty
        choice or id (the schema promises a boolean, a choice, an integer; leave the parameter out instead)."""
        valid = super().is_valid()
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


BOOLEANS = {"true", "false", "1", "0"}  # what django-filter's BooleanWidget reads


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
