"""The project's URLs plus one route nobody wrote a row for: the matrix's coverage check must name it."""

from django.http import HttpResponse
from django.urls import path

from intimacy_ops.urls import handler403, handler404, handler500  # noqa: F401
from intimacy_ops.urls import urlpatterns as project_urlpatterns


def _unlisted(request, pk):
    return HttpResponse("a new endpoint")


urlpatterns = [*project_urlpatterns, path("matrix-unlisted/<int:pk>/", _unlisted, name="matrix-unlisted")]
