"""Who sees and does what in governance, by sub-domain: reviews, meetings, threshold policies.

The relationships every part asks about (the boards a person sits on, the chair of a board) are defined
once, in `boards`.
"""

from governance.access_rules import meetings, policies, proposals, reviews  # noqa: F401  (they register rules)
from governance.access_rules.boards import boards_of, is_chair, sits_on_a_board

__all__ = ["boards_of", "is_chair", "sits_on_a_board"]
