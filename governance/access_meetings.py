"""Who sees a board's meetings: its members and chair, and auditors (and administrators), who read
across boards. Everyone else gets a 404, never a hint that the meeting exists. Only the chair runs a
meeting (schedule, change, cancel, agenda, attendance, minutes)."""

from governance.access_rules import boards_of, chairs
from governance.models import Meeting
from intimacy_ops import access

__all__ = ["boards_of"]


@access.register_scope(Meeting)
def _meetings(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    return queryset.filter(board__in=boards_of(user))


@access.register_rule(Meeting, "view")
def _may_view(user, meeting):
    return True


@access.register_rule(Meeting, "change")
def _may_change(user, meeting):
    if chairs(user, meeting.board):
        return access.ALLOW
    return access.Decision(False, f"Only the chair of {meeting.board.name} runs its meetings.")


@access.register_rule(Meeting, "cancel")
def _may_cancel(user, meeting):
    if chairs(user, meeting.board):
        return access.ALLOW
    return access.Decision(False, f"Only the chair of {meeting.board.name} cancels its meetings.")
