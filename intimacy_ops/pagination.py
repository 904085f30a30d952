from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}`; `?page_size=` up to 200 (a larger value is capped).

    A `page_size` that is not a whole number is a 400 naming it (the schema says integer); zero or less
    gives the default page, as before.
    """

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        digits = raw[1:] if raw and raw[0] in "+-" else raw
        if raw is not None and not (digits.isascii() and digits.isdigit()):
            raise ValidationError({self.page_size_query_param: ["A whole number (at most 200 are given)."]})
        return super().get_page_size(request)
