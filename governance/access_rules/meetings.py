"""Who sees a board's meetings: its members and chair, and auditors (and administrators), who read
across boards. Everyone else gets a 404, never a hint that the meeting exists. Only the chair runs a
meeting (schedule, change, cancel, agenda, attendance, minutes)."""

from governance.access_rules.boards import boards_of, is_chair
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


def _chair_only(what: str):
    def rule(user, obj):
        board = obj if isinstance(obj, Board) else obj.board
        if is_chair(user, board):
            return access.ALLOW
        return access.Decision(False, f"Only the chair of {board.name} {what}.")

    return rule


# Only the chair runs a meeting; each refusal says what the chair alone does.
access.register_rule(Board, "schedule_meeting")(_chair_only("schedules its meetings"))
access.register_rule(Meeting, "change")(_chair_only("changes its meetings"))
access.register_rule(Meeting, "cancel")(_chair_only("cancels its meetings"))
access.register_rule(Meeting, "set_agenda")(_chair_only("sets its agendas"))
access.register_rule(Meeting, "record_attendance")(_chair_only("records who attended"))
access.register_rule(Meeting, "record_minutes")(_chair_only("records its minutes"))
