"""What the segments API modules share: strict input that names unknown fields, error schemas, money."""

from django.utils import timezone
from rest_framework import serializers

from intimacy_ops.api import (
    ERROR_RESPONSES,
    StrictSerializer,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


def _errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


class StrictInput(StrictSerializer):
    """Input that names every field it does not take, with a hint where the field is read-only."""

    read_only_hints: dict[str, str] = {}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                # Nested inputs (a proposal's items, ladder steps) are checked here too, not only the top level.
                raise serializers.ValidationError(
                    {name: [self.read_only_hints.get(name, "Unknown field.")] for name in unknown}
                )
        return super().to_internal_value(data)


def _not_in_future(value):
    if value > timezone.now():
        raise serializers.ValidationError("Cannot be in the future.")
    return value
