"""What exceptions gives the top bar's search (intimacy_ops/search): exception requests by title or number
(`#123`, as their pages number them) and the standard processes by name."""

from urllib.parse import urlencode

from django.urls import reverse

from exceptions.models import ExceptionRequest, Process
from intimacy_ops import search


def _request(exception: ExceptionRequest) -> search.Hit:
    return search.Hit(
        title=exception.title,
        url=reverse("exceptions:detail", args=[exception.pk]),
        meta=(
            f"#{exception.pk} · {exception.get_status_display()} · {exception.customer.name} · "
            f"{exception.process.name}"
        ),
    )


def _process(process: Process) -> search.Hit:
    return search.Hit(
        title=process.name,
        url=reverse("exceptions:process-detail", args=[process.pk]),
        meta=f"{process.get_category_display()} · version {process.version}",
    )


search.register(
    search.Kind(
        key="requests",
        label="Exception requests",
        model=ExceptionRequest,
        fields=("title",),
        by_number=True,
        hit=_request,
        order=20,
        hint="by title or number (#123)",
        prepare=lambda rows: rows.select_related("customer", "process").order_by("-created_at", "-pk"),
        list_label="the exceptions list",
        list_url=lambda q: f"{reverse('exceptions:list')}?{urlencode({'q': q})}",
    )
)

search.register(
    search.Kind(
        key="processes",
        label="Processes",
        model=Process,
        fields=("name",),
        hit=_process,
        order=60,
        hint="by name",
        prepare=lambda rows: rows.order_by("name", "pk"),
    )
)
