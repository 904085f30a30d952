"""Exception requests have a conversation (intimacy_ops/conversation): their requester and, for a request a
lead decides, the operations leads of its region hear of new comments unless they stop watching. The request
page merges the comments into its timeline."""

from exceptions import selectors
from exceptions.models import ExceptionRequest
from exceptions.views.detail import detail_page, get_request
from intimacy_ops import conversation


def _participants(exception: ExceptionRequest) -> list:
    people = [exception.requested_by]
    if exception.route == ExceptionRequest.Route.LEAD:
        people += selectors.approvers(exception)
    return people


conversation.register(
    ExceptionRequest,
    key="request",
    participants=_participants,
    page=lambda request, exception, status: detail_page(
        request, get_request(request.user, exception.pk), status=status
    ),
    url_name="exceptions:detail",
)
