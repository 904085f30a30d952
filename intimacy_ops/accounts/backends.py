"""Django's ModelBackend behind the sign-in lockout (CONTRACT.md: 5 failures per username and address lock
for 15 minutes).

In the backend, not in a view, so every door that calls `authenticate()` — the sign-in form, the API token
endpoint, /admin/login/ — counts attempts the same way. The attempt is counted before the password is
checked (`services.count_sign_in_attempt`, under a row lock): a burst of parallel guesses gets at most five
passwords checked, the rest are refused unseen.
"""

from django.contrib.auth.backends import ModelBackend

from intimacy_ops.accounts import services
from intimacy_ops.accounts.models import User


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = services.client_address(request)
        # RateLimited (429) propagates: Django's authenticate() only swallows PermissionDenied.
        number = services.count_sign_in_attempt(username=username, ip=ip)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        services.settle_sign_in_attempt(username=username, ip=ip, number=number, succeeded=user is not None)
        return user
