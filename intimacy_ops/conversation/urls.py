"""One set of routes per registered subject kind, named `<key>-comment`, `<key>-watch`, `<key>-people`."""

from django.urls import path

from intimacy_ops import conversation
from intimacy_ops.conversation import views

app_name = "conversation"

urlpatterns = [path("files/<int:pk>/", views.attachment, name="attachment")]
for _subject in conversation.subjects():
    urlpatterns += [
        path(
            f"{_subject.key}/<int:pk>/comments/",
            views.comment,
            {"key": _subject.key},
            name=f"{_subject.key}-comment",
        ),
        path(
            f"{_subject.key}/<int:pk>/watch/",
            views.watch,
            {"key": _subject.key},
            name=f"{_subject.key}-watch",
        ),
        path(
            f"{_subject.key}/<int:pk>/people/",
            views.people,
            {"key": _subject.key},
            name=f"{_subject.key}-people",
        ),
    ]
