"""Conversation on an object: comments with @mentions, attachments and watchers (DESIGN.md, "Across the apps").

A kernel part: it names no business model. Its rows point at a generic *subject* (content type and id), as
privacy's do. An app opts a model in from its `conversation.py` contribution module:

    conversation.register(
        ExceptionRequest,
        key="request",                        # the routes' name: /conversation/request/<pk>/…
        participants=lambda obj: [...],       # told of new comments by default (requester, reviewers)
        page=lambda request, obj: ...,        # the subject's page, drawn again with a comment form's errors
        events=None,                          # for a page without a timeline of its own: (at, label, actor)
    )

Access follows the subject's: whoever `access.visible` lets see the subject may read, comment on and watch it
and download its attachments; anyone else gets a 404. A mention of someone who cannot see it is refused.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model
from django.urls import reverse


@dataclass(frozen=True)
class Subject:
    model: type[Model]
    key: str
    participants: Callable[[Model], Iterable]
    page: Callable[..., object]
    url_name: str
    events: Callable[[Model], Iterable] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def noun(self) -> str:
        return str(self.model._meta.verbose_name)

    def url(self, obj: Model) -> str:
        return reverse(self.url_name, args=[obj.pk])


_subjects: dict[str, Subject] = {}


def register(
    model: type[Model],
    *,
    key: str,
    participants: Callable[[Model], Iterable],
    page: Callable[..., object],
    url_name: str,
    events: Callable[[Model], Iterable] | None = None,
) -> Subject:
    """Open a conversation on `model`'s objects (see the module's docstring)."""
    if any(other.key == key and other.model is not model for other in _subjects.values()):
        raise ValueError(f"Another conversation subject is already called {key!r}.")
    subject = Subject(model, key, participants, page, url_name, events)
    _subjects[key] = subject
    return subject


def subjects() -> list[Subject]:
    return list(_subjects.values())


def by_key(key: str) -> Subject:
    return _subjects[key]


def of(obj_or_model) -> Subject | None:
    label = obj_or_model._meta.label_lower
    return next((subject for subject in _subjects.values() if subject.label == label), None)
