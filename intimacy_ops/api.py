"""API conventions shared by every app: strict input, scoped viewsets, documented error responses."""

from django.db.models import QuerySet
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
