"""The hand-off points exceptions owns and a higher app (governance) fills in its AppConfig.ready().

exceptions never imports governance (STYLE.md, dependency direction). When a request must go to
a change-control board, exceptions calls `request_board_review(request)`; governance registered
the function that finds the board and opens the review. Withdrawing a request under review tells
the same app through `review_withdrawn(request, actor)`. An extension beyond the region's maximum
duration (or in a region without an operations lead) goes to the board through
`request_extension_review(extension)`: the review targets the extension (and, for scope and the
one-open-review rule, its exception); the board's decision comes back through `decide_extension`. A new
version of a standard under change control goes to the board through `request_version_review(version,
change)`; the decision comes back through `services.standard.put_into_effect` or `reject`.
"""

from collections.abc import Callable

from intimacy_ops import errors

_board_router: Callable | None = None
_extension_router: Callable | None = None
_withdrawal_listeners: list[Callable] = []
_selection_actions: list[Callable] = []
_request_buttons: list[Callable] = []
_version_router: Callable | None = None


def register_board_router(func: Callable) -> Callable:
    """`func(exception) -> review`: open a review on the board whose scope covers the request.

    It raises a domain error (e.g. `errors.Conflict`) naming the problem when no board fits.
    """
    global _board_router
    _board_router = func
    return func


def register_extension_router(func: Callable) -> Callable:
    """`func(extension) -> review`: open a board review of an extension only a board may allow."""
    global _extension_router
    _extension_router = func
    return func


def register_version_router(func: Callable) -> Callable:
    """`func(version, change) -> review`: open a board review of a pending version (change control)."""
    global _version_router
    _version_router = func
    return func


def register_withdrawal_listener(func: Callable) -> Callable:
    """`func(exception, actor)`: the request was withdrawn; close whatever was opened for it."""
    if func not in _withdrawal_listeners:
        _withdrawal_listeners.append(func)
    return func


def request_board_review(exception):
    if _board_router is None:
        raise errors.Conflict(
            "No change-control board is set up to review requests above the threshold; "
            "ask an administrator to install the governance app. Your request stays as it was."
        )
    return _board_router(exception)


def request_extension_review(extension):
    if _extension_router is None:
        raise errors.Conflict(
            "This extension goes beyond what an operations lead may allow, and no change-control board is set "
            "up to review it; ask an administrator to install the governance app."
        )
    return _extension_router(extension)


def review_withdrawn(exception, actor) -> None:
    for listener in _withdrawal_listeners:
        listener(exception, actor)


def register_selection_action(func: Callable) -> Callable:
    """`func(user, rows, querystring) -> (label, url, testid) | None`: an act a higher app offers on a selection
    of exceptions (the filtered list, a process's active ones), e.g. "Propose sunset of these N"."""
    if func not in _selection_actions:
        _selection_actions.append(func)
    return func


def selection_actions(user, rows, querystring: str) -> list[tuple[str, str, str]]:
    return [action for func in _selection_actions if (action := func(user, rows, querystring))]


def register_request_buttons(func: Callable) -> Callable:
    """`func(user, exception) -> [(label, url, testid)]`: acts a higher app offers on the request page (the
    board's Sunset… and Revoke…)."""
    if func not in _request_buttons:
        _request_buttons.append(func)
    return func


def request_buttons(user, exception) -> list[tuple[str, str, str]]:
    return [button for func in _request_buttons for button in func(user, exception)]


def request_version_review(version, change):
    if _version_router is None:
        raise errors.Conflict(
            "This change to the standard needs a change-control board's approval, and no board is set up; "
            "ask an administrator to install the governance app. Nothing was published."
        )
    return _version_router(version, change)
