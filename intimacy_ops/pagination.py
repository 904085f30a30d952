"""Paginated lists: `{"count", "next", "previous", "results"}` (CONTRACT.md), and counts that stay cheap.

A list whose count grows with the table (the customers: a region can hold a million) counts with a cap:
exactly up to settings.LIST_COUNT_CAP (10,000) rows (`SELECT COUNT(*) FROM (… LIMIT 10001)`, which stops reading at 10,001),
and above it PostgreSQL's planner estimate for the same query (never below the cap + 1; on SQLite
the cap + 1 itself). So `count` stays an integer and exact where a person would read it exactly; above
10,000 it is an estimate, the API says so in the `X-Count-Exact: false` header, and the pages read
"more than 10,000". The last page numbers of an estimated count may be empty (404) or unreachable by number.
"""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


def count_cap() -> int:
    """settings.LIST_COUNT_CAP: 10,000 unless a test lowers it."""
    return settings.LIST_COUNT_CAP


def capped_count(queryset: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """(count, exact): the exact count up to `cap`; above it an estimate greater than `cap`."""
    cap = count_cap() if cap is None else cap
    rows = queryset.order_by().values("pk")
    counted = rows[: cap + 1].count()
    if counted <= cap:
        return counted, True
    return max(cap + 1, _planner_estimate(rows)), False


def capped_counts(*querysets: QuerySet, cap: int) -> list[int]:
    """Several counts, each stopped at `cap` + 1, in one statement (badges: "1000+")."""
    parts, params = [], []
    for queryset in querysets:
        sql, more = queryset.order_by().values("pk")[: cap + 1].query.sql_with_params()
        # The SQL is Django's own compilation of a queryset, with its values kept as parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{len(parts)})")  # noqa: S608
        params.extend(more)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return list(cursor.fetchone())


def _planner_estimate(queryset: QuerySet) -> int:
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return 0
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class IdsFirstPaginator(Paginator):
    """Django's paginator that finds a page's ids first, then reads those rows with their joins.

    A list sorted by something no index serves (the escalations' "mine first, highest level, oldest") made
    PostgreSQL join every matching row to its user, region and content type before the sort picked 25: 63 ms
    for 13,000 open escalations (bench/README.md). The ids of a page come from the list without its
    `select_related` joins (they never drop a row) or its unused annotations; the page's rows then come by id,
    in that order. One more query, whatever the number of rows.

    `rows_by_id(ids)`: the queryset that reads a page's rows, when the list's own filter costs more than
    reading 25 rows by id (a scope built of subqueries: the ids already passed it)."""

    def __init__(self, object_list, per_page, *args, rows_by_id=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.rows_by_id = rows_by_id

    def page(self, number):
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(rows.select_related(None).values_list("pk", flat=True)[bottom:top])
        reading = self.rows_by_id(ids) if self.rows_by_id else rows.order_by().filter(pk__in=ids)
        found = {row.pk: row for row in reading} if ids else {}
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)


class CappedPaginator(Paginator):
    """Django's paginator with the capped count; `count_exact` says whether `count` is exact."""

    @cached_property
    def cap(self) -> int:
        return count_cap()

    @cached_property
    def _capped(self) -> tuple[int, bool]:
        if not isinstance(self.object_list, QuerySet):
            return len(self.object_list), True
        return capped_count(self.object_list, self.cap)

    @cached_property
    def count(self) -> int:
        return self._capped[0]

    @cached_property
    def count_exact(self) -> bool:
        return self._capped[1]


class Pagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}`; `?page_size=` up to 200 (a larger value is capped).

    A `page_size` that is not a whole number, or an empty `page`, is a 400 naming it (the schema says
    integer); zero or less gives the default page, as before.
    """

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        digits = raw[1:] if raw and raw[0] in "+-" else raw
        if raw is not None and not (digits.isascii() and digits.isdigit()):
            raise ValidationError({self.page_size_query_param: ["A whole number (at most 200 are given)."]})
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        # DRF reads `?page=` (empty) as page 1; the schema says integer, so it is a 400 naming it.
        if self.page_query_param in request.query_params and not request.query_params[self.page_query_param]:
            raise ValidationError({self.page_query_param: ["A page number: 1, 2, … (or leave it out)."]})
        return super().get_page_number(request, paginator)


class CappedCountPagination(Pagination):
    """For lists that grow with the table: `count` exact up to 10,000, an estimate above (module docstring)."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response["X-Count-Exact"] = "true" if self.page.paginator.count_exact else "false"
        return response
