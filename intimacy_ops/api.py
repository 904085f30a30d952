"""API conventions shared by every app: strict input, scoped viewsets, documented error responses, and the
plain values DRF's fields write (for serializers that build their dict by hand)."""

import decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, empty
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, viewsets

from intimacy_ops import access, sensitive


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, naming them, instead of silently dropping them."""

    def validate(self, attrs):
        unknown = sorted(set(getattr(self, "initial_data", {}) or {}) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().validate(attrs)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [f"Expected a JSON object, got {type(data).__name__}."]}
            )
        return super().to_internal_value(data)


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    pass


class SensitiveListSerializer(serializers.ListSerializer):
    """A list whose items show sensitive fields: the user's grants for the whole page are read in one query."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        user = getattr(self.context.get("request"), "user", None)
        sensitive.prime(user, items)
        return super().to_representation(items)


class ScopedViewSetMixin:
    """A viewset whose objects are what `access.visible` gives the user: outside that is a 404.

    Ids are numeric; anything else in the path is a 404 from the router, never a 500.
    """

    lookup_value_regex = r"\d+"

    def scoped_queryset(self) -> QuerySet:
        return self.queryset.all()

    def get_queryset(self) -> QuerySet:
        return access.visible(self.request.user, self.scoped_queryset())


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


ERROR_RESPONSES = {
    400: OpenApiResponse(description="Bad input: field name → list of messages."),
    401: OpenApiResponse(description="Not signed in: send a session cookie or `Authorization: Token …`."),
    403: OpenApiResponse(description="Your role may not take this action on this object."),
    404: OpenApiResponse(description="No such object within your scope."),
    409: OpenApiResponse(description="The object's current state does not allow this action."),
}


# --- plain values: what DRF's read-only fields write, without their per-field machinery ----------------
# A list of 200 rows through a ModelSerializer runs a field object's get_attribute and to_representation per
# cell (~6,000 calls a page). A serializer whose fields are plain values writes its dict by hand with these,
# the same JSON to the character (each such serializer's test compares it with DRF's own output), while its
# declared fields still describe it in the schema.


def moment(value, zone) -> str | None:
    """DRF's DateTimeField: ISO 8601 in `zone` (the active time zone, `timezone.get_current_timezone()`:
    the person's), "Z" for UTC; None for no value."""
    if not value:
        return None
    text = (
        value.astimezone(zone) if timezone.is_aware(value) else timezone.make_aware(value, zone)
    ).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def day(value) -> str | None:
    """DRF's DateField: ISO 8601; None for no value."""
    return value.isoformat() if value else None


_CENTS = decimal.Decimal("0.01")
# DRF quantizes in a copy of the default context with the field's digits as its precision.
_MONEY_CONTEXT = decimal.Context(prec=14, rounding=decimal.DefaultContext.rounding)


def money(value) -> str | None:
    """DRF's DecimalField(max_digits=14, decimal_places=2) (the apps' MONEY), as a string; None for no value."""
    if value is None:
        return None
    if not isinstance(value, decimal.Decimal):
        value = decimal.Decimal(str(value).strip())
    return f"{value.quantize(_CENTS, context=_MONEY_CONTEXT):f}"


def plain_user(user):
    """The person behind `request.user`'s lazy wrapper: a page of rows asks it a few thousand times."""
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user
