"""The exceptions API (CONTRACT.md): the process catalog, exception requests and their lifecycle, costs.

Serializers parse and present; every write is one service call. Related objects travel by id,
people by username, regions by code. A transition the status does not allow is a 409 naming the
allowed actions; one the user's role may not take is a 403; a request outside the user's scope, a 404.
"""

from exceptions.api.catalog import ProcessViewSet, RoutingThresholdViewSet
from exceptions.api.requests import ExceptionViewSet


def register(router) -> None:
    router.register("processes", ProcessViewSet, basename="process")
    router.register("exceptions", ExceptionViewSet, basename="exception")
    router.register("routing-thresholds", RoutingThresholdViewSet, basename="routing-threshold")
