"""Who sees a board's meetings: its members and chair, and auditors (and administrators), who read
across boards. Everyone else gets a 404, never a hint that the meeting exists. Only the chair runs a
meeting (schedule, change, cancel, agenda, attendance, minutes)."""

from governance.access_rules.boards import boards_of, chair_only
from governance.models import Board, Meeting
from intimacy_ops import access


@access.register_scope(Meeting)
def _meetings(user, queryset):
    if access.sees_all_regions(user):
        return queryset
    return queryset.filter(board__in=boards_of(user))


@access.register_rule(Meeting, "view")
def _may_view(user, meeting):
    return True


# Only the chair runs a meeting; each refusal says what the chair alone does.
access.register_rule(Board, "schedule_meeting")(
    chair_only("Only the chair of {board} schedules its meetings.")
)
access.register_rule(Meeting, "change")(chair_only("Only the chair of {board} changes its meetings."))
access.register_rule(Meeting, "cancel")(chair_only("Only the chair of {board} cancels its meetings."))
access.register_rule(Meeting, "set_agenda")(chair_only("Only the chair of {board} sets its agendas."))
access.register_rule(Meeting, "record_attendance")(
    chair_only("Only the chair of {board} records who attended.")
)
access.register_rule(Meeting, "record_minutes")(chair_only("Only the chair of {board} records its minutes."))
