"""Who hears about a request, in plain words (issue 6, item 9): in the app and by e-mail.

- The requester, on every status change of their request they did not make themselves (their own
  submit or withdraw is confirmed on the page they clicked; the routing right after a submit tells them
  who decides), and on reminders and extension decisions.
- The approver, when something waits for them: a request or an extension routed to the operations
  lead → every operations lead of the customer's region, at submit (the request stays `submitted`
  until a lead takes it up by deciding; that take-up tells nobody, the decision tells the requester). A board's members are told by governance when
  it opens the review (exceptions does not know boards).

`notify` stores the rows in the caller's transaction and mails on commit: a rolled-back act tells nobody.
"""

from exceptions.selectors import leads_of
from intimacy_ops.accounts import delegation
from intimacy_ops.notifications import notify, notify_many

WHO_DECIDES = {"lead": "an operations lead of {region}", "board": "the change-control board"}


def link(exception) -> str:
    """The request's page (built by the pages of exceptions)."""
    return f"/exceptions/{exception.pk}/"


def _by(transition) -> str:
    if transition.authority == "system":
        return "automatically"
    if transition.authority == "board":
        return "by the change-control board"
    actor = transition.actor
    return f"by {actor.get_full_name() or actor.username}" if actor else ""


def _with_comment(text: str, comment: str) -> str:
    return f"{text}\n\nComment: {comment}" if (comment or "").strip() else text


def _requester_message(exception, transition) -> tuple[str, str] | None:
    title = f"“{exception.title}”"
    customer = exception.customer.name
    region = exception.customer.region.code
    to = transition.to_status
    if to == "under_review":
        if transition.authority != "system":
            return None  # a lead taking it up as they decide: the decision right after tells the requester
        who = WHO_DECIDES.get(exception.route, "its approver").format(region=region)
        return (
            f"Your request {title} waits for {who}",
            f"Your exception request {title} for {customer} was sent to {who} for a decision.",
        )
    if to == "approved":
        return (
            f"Your request {title} was approved",
            _with_comment(
                f"Your exception request {title} for {customer} was approved {_by(transition)}. "
                f"It takes effect on {exception.starts_on:%d %B %Y}.",
                transition.comment,
            ),
        )
    if to == "rejected":
        return (
            f"Your request {title} was rejected",
            _with_comment(
                f"Your exception request {title} for {customer} was rejected {_by(transition)}.",
                transition.comment,
            ),
        )
    if to == "changes_requested":
        return (
            f"Your request {title} needs changes",
            _with_comment(
                f"Your exception request {title} for {customer} was returned for changes {_by(transition)}. "
                "Change it and submit it again.",
                transition.comment,
            ),
        )
    if to == "active":
        until = f" until {exception.expires_on:%d %B %Y}" if exception.expires_on else ""
        return (
            f"Your exception {title} is now in force",
            f"The exception {title} for {customer} is active from today{until}.",
        )
    if to in ("expired", "sunset", "standardized", "revoked", "withdrawn", "submitted"):
        label = exception.Status(to).label.lower()
        return (
            f"Your exception {title} is {label}",
            _with_comment(
                f"The exception {title} for {customer} is now {label} ({_by(transition)}).",
                transition.comment,
            ),
        )
    return None


def status_changed(exception, transition) -> None:
    """Called by the lifecycle engine for every status change, inside its transaction."""
    if transition.actor_id is None or transition.actor_id != exception.requested_by_id:
        message = _requester_message(exception, transition)
        if message:
            notify([exception.requested_by], subject=message[0], body=message[1], link=link(exception))
    if (
        transition.action == "withdraw"
        and transition.from_status in ("submitted", "under_review")
        and exception.route == "lead"
    ):
        notify(
            leads_of(exception.customer.region_id),
            subject=f"No longer waiting for you: “{exception.title}”",
            body=f"The request “{exception.title}” for {exception.customer.name} was withdrawn by its requester.",
            link=link(exception),
        )


GROUP_SUBJECTS = {
    "active": "{n} of your exceptions are now in force",
    "expired": "{n} of your exceptions expired today",
    "sunset": "{n} of your exceptions ended today (sunset)",
}
LISTED = 20  # a grouped notice names this many; the link lists them all


def statuses_changed(exceptions: list, transitions: list) -> None:
    """A check moved a batch (no actor): each requester hears once, naming their requests and linking to
    the filtered list; one request alone reads as `status_changed` says. One insert for the whole batch."""
    mine: dict[int, list] = {}
    for exception, transition in zip(exceptions, transitions, strict=True):
        mine.setdefault(exception.requested_by_id, []).append((exception, transition))
    messages = []
    for pairs in mine.values():
        exception, transition = pairs[0]
        if len(pairs) == 1:
            message = _requester_message(exception, transition)
            if message:
                messages.append((exception.requested_by, *message, link(exception)))
            continue
        to = transition.to_status
        label = exception.Status(to).label.lower()
        subject = GROUP_SUBJECTS.get(to, "{n} of your exceptions are now " + label).format(n=len(pairs))
        lines = [f"- “{e.title}” for {e.customer.name}" for e, _ in pairs[:LISTED]]
        if len(pairs) > LISTED:
            lines.append(f"- and {len(pairs) - LISTED} more")
        body = _with_comment(
            f"{len(pairs)} of your exceptions are now {label} ({_by(transition)}):\n" + "\n".join(lines),
            transition.comment,
        )
        messages.append((exception.requested_by, subject, body, f"/exceptions/?status={to}"))
    notify_many(messages)


def waiting_for_lead(exception, comment: str = "", *, leads=None) -> None:
    """Routing sent a submitted request to the operations leads: tell them, and the requester who decides
    (one preference query and one insert for both). `leads`: the region's leads when the caller read them."""
    region = exception.customer.region.code
    who = WHO_DECIDES["lead"].format(region=region)
    where = link(exception)
    to_requester = (
        f"Your request “{exception.title}” waits for {who}",
        f"Your exception request “{exception.title}” for {exception.customer.name} was sent to {who} for a decision.",
        where,
    )
    to_leads = (
        f"Waiting for your decision: “{exception.title}”",
        f"{exception.requested_by.get_full_name() or exception.requested_by.username} asks for an "
        f"exception to {exception.process.name} for {exception.customer.name}. "
        f"It is below the {region} threshold, so an operations lead decides: "
        "approve, reject or return it for changes.",
        where,
    )
    leads = leads_of(exception.customer.region_id) if leads is None else leads
    # A lead who is away: their delegate is told, on their behalf (accounts/delegation.py).
    told = [
        (
            who,
            f"On behalf of {away.display_name} (away): {to_leads[0]}" if away else to_leads[0],
            *to_leads[1:],
        )
        for who, away in delegation.stand_ins(list(leads))
    ]
    notify_many([(exception.requested_by, *to_requester), *told])


def extension_requested(extension) -> None:
    """An extension within the maximum waits for the region's operations leads (a board's is governance's)."""
    exception = extension.exception
    notify(
        leads_of(exception.customer.region_id),
        subject=f"Extension waiting for your decision: “{exception.title}”",
        body=(
            f"The exception “{exception.title}” for {exception.customer.name} should run until "
            f"{extension.new_expires_on:%d %B %Y} instead of {exception.expires_on:%d %B %Y}.\n\n"
            f"Why: {extension.reason}"
        ),
        link=link(exception),
    )


def extension_decided(extension) -> None:
    exception = extension.exception
    word = "approved" if extension.status == "approved" else "refused"
    body = f"Your request to run “{exception.title}” until {extension.new_expires_on:%d %B %Y} was {word}."
    notify(
        [exception.requested_by],
        subject=f"Extension {word}: “{exception.title}”",
        body=_with_comment(body, extension.decision_comment),
        link=link(exception),
    )


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def expiry_reminders(exceptions: list, *, today) -> None:
    """A check's batch of reminders: each requester hears once, naming their expiring exceptions and linking
    to the list of their active ones expiring by the latest date; one alone reads as its own reminder."""
    mine: dict[int, list] = {}
    for exception in exceptions:
        mine.setdefault(exception.requested_by_id, []).append(exception)
    messages = []
    for theirs in mine.values():
        theirs.sort(key=lambda exception: (exception.expires_on, exception.pk))
        first, last = theirs[0], theirs[-1]
        if len(theirs) == 1:
            messages.append(
                (
                    first.requested_by,
                    f"“{first.title}” expires in {_days((first.expires_on - today).days)}",
                    f"The exception “{first.title}” for {first.customer.name} ends on "
                    f"{first.expires_on:%d %B %Y}. If the customer still needs it, ask for an extension "
                    "now; otherwise tell the teams that follow its handling procedure.",
                    link(first),
                )
            )
            continue
        lines = [
            f"- “{e.title}” for {e.customer.name}: ends on {e.expires_on:%d %B %Y} "
            f"(in {_days((e.expires_on - today).days)})"
            for e in theirs[:LISTED]
        ]
        if len(theirs) > LISTED:
            lines.append(f"- and {len(theirs) - LISTED} more")
        messages.append(
            (
                first.requested_by,
                f"{len(theirs)} of your exceptions expire within {_days((last.expires_on - today).days)}",
                f"{len(theirs)} of your exceptions end soon:\n"
                + "\n".join(lines)
                + "\n\nIf a customer still needs one, ask for an extension now; otherwise tell the teams "
                "that follow its handling procedure.",
                f"/exceptions/?status=active&expires_before={last.expires_on:%Y-%m-%d}",
            )
        )
    notify_many(messages)


def standard_options_proposed(signals: list[tuple]) -> None:
    """(process, deviation tag, customers) signals: each owner hears once, one alone as its own notice."""
    mine: dict[int, list] = {}
    for process, tag, customers in signals:
        if process.owner is not None:
            mine.setdefault(process.owner_id, []).append((process, tag, customers))
    messages = []
    for theirs in mine.values():
        process, tag, customers = theirs[0]
        if len(theirs) == 1:
            messages.append(
                (
                    process.owner,
                    f"Propose a standard option for {process.name}?",
                    f"{customers} customers now hold active exceptions to {process.name} tagged “{tag}”. "
                    "So many alike suggest the standard should offer it as an option instead of one exception each.",
                    f"/exceptions/processes/{process.pk}/",
                )
            )
            continue
        lines = [f"- {p.name}, “{t}”: {c} customers" for p, t, c in theirs[:LISTED]]
        if len(theirs) > LISTED:
            lines.append(f"- and {len(theirs) - LISTED} more")
        messages.append(
            (
                process.owner,
                f"Propose {len(theirs)} standard options for your processes?",
                "So many customers hold alike exceptions that the standard should offer these as options:\n"
                + "\n".join(lines),
                "/exceptions/processes/",
            )
        )
    notify_many(messages)


def sunset_scheduled(exception, comment: str = "") -> None:
    """A board set the date an active exception ends: its account manager (and requester) hear the date."""
    notify(
        [exception.customer.account_manager, exception.requested_by],
        subject=f"“{exception.title}” ends on {exception.sunset_on:%d %B %Y}",
        body=_with_comment(
            f"The change-control board decided to sunset the exception “{exception.title}” for "
            f"{exception.customer.name}: it ends on {exception.sunset_on:%d %B %Y}. Tell the customer and plan "
            "the return to the standard process before then.",
            comment,
        ),
        link=link(exception),
    )
