"""The feedback API (CONTRACT.md `/api/v1/feedback/`, `/api/v1/rcas/`): feedback items, their sentiment
confirmed or corrected; root-cause analyses (feedback/api/rcas.py); survey invitations (`/api/v1/survey-invitations/`,
feedback/api/surveys.py).

Serializers parse and present; every write is one service call. Related objects travel by id, people by
username. An item outside the user's scope is a 404; a related id outside it, in a body or a filter, a 400
naming the field (as a nonexistent id).
"""

from feedback.api import rcas
from feedback.api.items import FeedbackViewSet
from feedback.api.surveys import SurveyInvitationViewSet


def register(router) -> None:
    router.register("feedback", FeedbackViewSet, basename="feedback")
    router.register("survey-invitations", SurveyInvitationViewSet, basename="survey-invitation")
    rcas.register(router)
