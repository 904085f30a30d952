"""Pages of governance: meetings (list, schedule, the meeting page with its agenda, attendance and minutes,
cancel), the `.ics` export of one meeting, and each user's calendar feed and its page.

Each view parses, calls one selector or service, and renders. Field errors of a service show beside the
field (400); a wrong role is the 403 page, a meeting outside the user's boards the 404 page, and an act the
meeting's state no longer allows (a cancelled or past meeting, a decided review) the 409 page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance import access_rules, calendar
from governance.forms import (
    AgendaAddForm,
    AttendanceForm,
    CancelForm,
    MeetingForm,
    MinutesForm,
    ResetFeedForm,
)
from governance.models import CalendarFeed, Review
from governance.selectors import meetings as selectors
from governance.services import meetings as services
from intimacy_ops import access, errors, lifecycle
from intimacy_ops.forms import add_domain_errors

PAGE_SIZE = 20


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _render(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("tz", timezone.get_current_timezone_name())
    return render(request, template, context, status=status)


# --- the list and scheduling -----------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Upcoming and past meetings of my boards (every board's for auditors)."""
    user = request.user
    upcoming = Paginator(selectors.upcoming(user), PAGE_SIZE).get_page(request.GET.get("upcoming"))
    past = Paginator(selectors.past(user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "upcoming": upcoming,
        "past": past,
        "chairs": selectors.chaired_boards(user).exists(),
        "now": timezone.now(),
    }
    return _render(request, "governance/meeting_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    """A chair schedules a meeting of one of the boards they chair."""
    boards = selectors.chaired_boards(request.user)
    if not boards.exists():
        raise errors.PermissionDenied("Only a board's chair schedules its meetings.")
    if request.method == "GET":
        return _render(request, "governance/meeting_form.html", {"form": MeetingForm(boards=boards)})
    form = MeetingForm(request.POST, boards=boards)
    if form.is_valid():
        try:
            meeting = services.schedule_meeting(actor=request.user, **form.cleaned_data)
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, "Meeting scheduled; the board's members have been told.")
            return redirect("governance:meeting", pk=meeting.pk)
    return _render(request, "governance/meeting_form.html", {"form": form}, status=400)


# --- the meeting page ------------------------------------------------------------------------------


def _page(request, meeting, *, status=200, **forms) -> HttpResponse:
    user = request.user
    is_chair = access_rules.is_chair(user, meeting.board)
    now = timezone.now()
    started = meeting.starts_at <= now
    cancelled = meeting.cancelled_at is not None
    context = {
        "meeting": meeting,
        "items": list(meeting.items.all()),
        "decisions": list(meeting.decisions.all()),
        "attendees": list(meeting.attendees.all()),
        "is_chair": is_chair,
        "started": started,
        "cancelled": cancelled,
        "editable": is_chair and not started and not cancelled,
        "recordable": is_chair and started and not cancelled,
        "actions": lifecycle.actions_for(user, meeting),  # the Cancel… button: from the lifecycle table
    }
    context["today"] = timezone.localdate()
    if context["editable"]:
        context["add_form"] = forms.get("add_form") or AgendaAddForm(
            reviews=selectors.reviews_to_add(meeting)
        )
    if context["recordable"]:
        people = list(selectors.eligible_attendees(meeting))
        context["attendance_form"] = forms.get("attendance_form") or AttendanceForm(
            people=people, initial={"attendees": [str(person.pk) for person in context["attendees"]]}
        )
        context["minutes_form"] = forms.get("minutes_form") or MinutesForm(
            initial={"minutes": meeting.minutes}
        )
    return _render(request, "governance/meeting_detail.html", context, status=status)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.meeting_for_page(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair moves or renames an upcoming meeting."""
    meeting = selectors.meeting_for_page(request.user, pk)
    access.require(request.user, "change", meeting)
    services.require_upcoming(meeting, "change")
    if request.method == "GET":
        initial = {
            "title": meeting.title,
            "starts_at": timezone.localtime(meeting.starts_at),
            "ends_at": timezone.localtime(meeting.ends_at),
            "location": meeting.location,
        }
        return _render(
            request,
            "governance/meeting_form.html",
            {"form": MeetingForm(initial=initial), "meeting": meeting},
        )
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            services.update_meeting(meeting=meeting, actor=request.user, **form.cleaned_data)
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, "Meeting updated. A new time or place has been told to the members.")
            return redirect("governance:meeting", pk=meeting.pk)
    return _render(request, "governance/meeting_form.html", {"form": form, "meeting": meeting}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancelling asks for confirmation first."""
    meeting = selectors.meeting_for_page(request.user, pk)
    lifecycle.check(meeting, "cancel", actor=request.user)  # 409 unless upcoming; 403 unless the chair
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.cancel_meeting(meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "Meeting cancelled; its members have been told. Its reviews stay open.")
        return redirect("governance:meeting", pk=meeting.pk)
    status = 400 if request.method == "POST" else 200
    return _render(
        request, "governance/meeting_cancel.html", {"meeting": meeting, "form": form}, status=status
    )


def _agenda_review(meeting, review_id) -> Review:
    review = Review.objects.filter(pk=review_id, board_id=meeting.board_id).first()
    if review is None:
        raise errors.NotFound("No review of this board matches that id.")
    return review


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_page(request.user, pk)
    form = AgendaAddForm(request.POST, reviews=Review.objects.filter(board_id=meeting.board_id))
    if form.is_valid():
        try:
            services.add_to_agenda(meeting=meeting, review=form.cleaned_data["review"], actor=request.user)
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, "Added to the agenda.")
            return redirect(reverse("governance:meeting", args=[meeting.pk]) + "#agenda")
    else:  # a valid form reaches the service, which says so too
        access.require(request.user, "set_agenda", meeting)
    return _page(request, meeting, status=400, add_form=form)


@login_required
@require_POST
def agenda_remove(request: HttpRequest, pk: int, review_id: int) -> HttpResponse:
    meeting = selectors.meeting_for_page(request.user, pk)
    services.remove_from_agenda(
        meeting=meeting, review=_agenda_review(meeting, review_id), actor=request.user
    )
    messages.success(request, "Taken off the agenda; the review itself stays open.")
    return redirect(reverse("governance:meeting", args=[meeting.pk]) + "#agenda")


@login_required
@require_POST
def agenda_move(request: HttpRequest, pk: int, review_id: int) -> HttpResponse:
    meeting = selectors.meeting_for_page(request.user, pk)
    services.move_on_agenda(
        meeting=meeting,
        review=_agenda_review(meeting, review_id),
        actor=request.user,
        direction=request.POST.get("direction", ""),
    )
    return redirect(reverse("governance:meeting", args=[meeting.pk]) + "#agenda")


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_page(request.user, pk)
    access.require(request.user, "record_attendance", meeting)
    form = AttendanceForm(request.POST, people=list(selectors.eligible_attendees(meeting)))
    if form.is_valid():
        try:
            services.record_attendance(
                meeting=meeting,
                actor=request.user,
                attendees=[int(pk) for pk in form.cleaned_data["attendees"]],
            )
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect(reverse("governance:meeting", args=[meeting.pk]) + "#attendance")
    return _page(request, meeting, status=400, attendance_form=form)


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_page(request.user, pk)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.record_minutes(meeting=meeting, actor=request.user, minutes=form.cleaned_data["minutes"])
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(request, "Minutes saved.")
            return redirect(reverse("governance:meeting", args=[meeting.pk]) + "#minutes")
    return _page(request, meeting, status=400, minutes_form=form)


# --- iCalendar ---------------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting as an `.ics` file, for whoever may see the meeting."""
    meeting = selectors.meeting_for_page(request.user, pk)
    version = selectors.calendar_versions([meeting.pk]).get(meeting.pk, (0, None))
    body = calendar.meeting_ics(meeting, base_url=_base_url(request), version=version)
    response = HttpResponse(body, content_type=calendar.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A user's subscribable calendar; the secret token in the address is the authentication."""
    feed = (
        CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
        if token
        else None
    )
    if feed is None:
        raise errors.NotFound("No calendar has this address (it may have been reset).")
    meetings, reviews = selectors.feed_contents(feed.user)
    body = calendar.feed_ics(
        feed.user,
        meetings=meetings,
        reviews=reviews,
        versions=selectors.calendar_versions([meeting.pk for meeting in meetings]),
        base_url=_base_url(request),
    )
    response = HttpResponse(body, content_type=calendar.CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="intimacy-ops-boards.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    """Where a user finds (and copies) their feed's address."""
    feed = services.calendar_feed_for(user=request.user)
    address = request.build_absolute_uri(reverse("governance:calendar-feed", args=[feed.token]))
    context = {
        "feed": feed,
        "address": address,
        "webcal": address.replace("https://", "webcal://").replace("http://", "webcal://"),
    }
    return _render(request, "governance/meeting_calendar.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_reset(request: HttpRequest) -> HttpResponse:
    """A new secret address, after confirmation; the old one stops working at once."""
    form = ResetFeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reset_calendar_feed(user=request.user)
        messages.success(
            request,
            "New calendar address made; the old one no longer works. Subscribe again with the new one.",
        )
        return redirect("governance:calendar")
    status = 400 if request.method == "POST" else 200
    return _render(request, "governance/meeting_calendar_reset.html", {"form": form}, status=status)
