"""Saving and deleting a person's views of a work list."""

from urllib.parse import parse_qsl, urlencode

from django.db import IntegrityError, transaction

from intimacy_ops import access, errors
from intimacy_ops.saved_views.models import SavedView

# The work lists that offer saved views: URL name → what the page is called (issue 18, "Queues").
QUEUES = {
    "exceptions:waiting": "Waiting for me",
    "exceptions:list": "Requests",
    "governance:queue": "Reviews",
    "escalations:list": "Escalations",
    "segments:case-list": "Cases",
    "feedback:list": "Feedback",
}
MAX_PER_LIST = 30
NOT_KEPT = {"page", "csrfmiddlewaretoken"}  # a view is a selection, not a page of it


def clean_query(query: str) -> str:
    """The query string as it is kept: without `?`, the page number and empty values, in a stable order."""
    pairs = parse_qsl((query or "").lstrip("?"), keep_blank_values=False)
    return urlencode([(key, value) for key, value in pairs if key not in NOT_KEPT])


def save_view(*, user, list_key: str, name: str, query: str) -> SavedView:
    """Name the current query of a list; a name already used on that list is a field error, nothing saved."""
    if list_key not in QUEUES:
        raise errors.ValidationFailed({"list_key": ["This list has no saved views."]})
    mine = access.visible(user, SavedView).filter(list_key=list_key)
    if mine.filter(name__iexact=name).exists():
        raise errors.ValidationFailed({"name": [f"You already have a view called “{name}” on this list."]})
    if mine.count() >= MAX_PER_LIST:
        raise errors.ValidationFailed(
            {"name": [f"A list keeps at most {MAX_PER_LIST} views: delete one first."]}
        )
    try:
        with transaction.atomic():
            return SavedView.objects.create(user=user, list_key=list_key, name=name, query=clean_query(query))
    except IntegrityError:  # the same name saved a moment ago, from another tab
        raise errors.ValidationFailed(
            {"name": [f"You already have a view called “{name}” on this list."]}
        ) from None


def delete_view(*, user, view: SavedView) -> None:
    access.require(user, "delete", view)
    view.delete()
