"""Reads of the conversation. Whoever calls them has already read the subject through `access.visible`:
the comments, watchers and attachments of a subject follow its access."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from intimacy_ops import access, errors
from intimacy_ops.conversation import of
from intimacy_ops.conversation.models import Attachment, Comment, Watch

SUGGESTIONS = 8


def _content_type(obj: Model) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=False)


def comments_of(obj: Model) -> QuerySet:
    """The subject's comments, oldest first, with their authors, mentioned people and attachments (3 queries)."""
    return (
        Comment.objects.filter(subject_type=_content_type(obj), subject_id=obj.pk)
        .select_related("author")
        .prefetch_related("mentioned", "attachments")
    )


def _choices(obj: Model) -> dict[int, bool]:
    return dict(
        Watch.objects.filter(subject_type=_content_type(obj), subject_id=obj.pk).values_list(
            "user_id", "watching"
        )
    )


def watchers_of(obj: Model) -> list:
    """Who hears of new comments: the subject's participants (its requester, its reviewers…) unless they
    stopped watching, and whoever chose to watch it."""
    subject = of(obj)
    choices = _choices(obj)
    people = {person.pk: person for person in (subject.participants(obj) if subject else []) if person}
    chosen = [pk for pk, watching in choices.items() if watching and pk not in people]
    people.update({person.pk: person for person in get_user_model().objects.filter(pk__in=chosen)})
    return sorted(
        (person for pk, person in people.items() if choices.get(pk, True) and person.is_active),
        key=lambda person: (person.display_name, person.pk),
    )


def is_watching(user, obj: Model) -> bool:
    return any(person.pk == user.pk for person in watchers_of(obj))


def mention_candidates(obj: Model, query: str) -> list:
    """People who can see the subject whose username or name starts with `query` (at most SUGGESTIONS):
    a mention is refused for anyone else, so nobody else is suggested."""
    query = (query or "").strip().lstrip("@")
    if not query:
        return []
    matching = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(username__istartswith=query)
            | Q(first_name__istartswith=query)
            | Q(last_name__istartswith=query)
        )
        .order_by("username")[: SUGGESTIONS * 3]
    )
    found = []
    for person in matching:
        if access.visible(person, type(obj)).filter(pk=obj.pk).exists():
            found.append(person)
        if len(found) == SUGGESTIONS:
            break
    return found


def attachment_for(user, pk: int) -> tuple[Attachment, Model]:
    """An attachment and its subject, when the user may see the subject (NotFound otherwise: no leak)."""
    attachment = Attachment.objects.select_related("comment__subject_type").filter(pk=pk).first()
    subject_model = attachment.comment.subject_type.model_class() if attachment else None
    if attachment is None or subject_model is None or of(subject_model) is None:
        raise errors.NotFound("No attachment matches that id.")
    try:
        obj = access.get_visible(user, subject_model, pk=attachment.comment.subject_id)
    except errors.NotFound:
        raise errors.NotFound("No attachment matches that id.") from None
    return attachment, obj
